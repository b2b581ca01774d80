-- An image is a base for every hardware id it was published for, not only the first: the same
-- bytes published for two boards are a base of each one's later releases. V1 keyed images by sha
-- alone, so a second hardware id's row was dropped (ON CONFLICT DO NOTHING) and its next release
-- got no patch from it. Portable for SQLite and PostgreSQL: SQLite cannot change a primary key in
-- place, so the table is copied into one keyed by (sha, hardware) and renamed.

CREATE TABLE images_v2 (
    sha      CHAR(64) NOT NULL REFERENCES artifacts(sha),
    hardware BIGINT   NOT NULL,
    version  BIGINT   NOT NULL,
    PRIMARY KEY (sha, hardware)
);

INSERT INTO images_v2 (sha, hardware, version) SELECT sha, hardware, version FROM images;

DROP TABLE images;

ALTER TABLE images_v2 RENAME TO images;

-- GET /admin/images?hw=N and the base check look images up by hardware id.
CREATE INDEX images_hardware ON images (hardware, version);
