-- One schema for SQLite (embedded default) and PostgreSQL (production): portable types only.
-- Every piece of server state lives here or in the artifact store (content-addressed files).

CREATE TABLE devices (
    id           VARCHAR(64)  PRIMARY KEY,
    secret_hash  CHAR(64)     NOT NULL,   -- SHA-256 hex of the 256-bit random secret
    device_group VARCHAR(64)  NOT NULL,
    hardware     BIGINT,                  -- from the last check-in
    version      BIGINT,
    image_sha    CHAR(64),
    offered_sha  CHAR(64),                -- the artifact the last check-in offered: the only one it may download
    offered_version BIGINT,
    status       VARCHAR(16),
    error        INTEGER,
    updated_at   BIGINT
);

CREATE TABLE artifacts (
    sha  CHAR(64) PRIMARY KEY,
    size BIGINT   NOT NULL
);

-- Firmware images the server has seen published: the bases of later releases' patches.
CREATE TABLE images (
    sha      CHAR(64) PRIMARY KEY REFERENCES artifacts(sha),
    hardware BIGINT   NOT NULL,
    version  BIGINT   NOT NULL
);

CREATE TABLE releases (
    hardware   BIGINT      NOT NULL,
    version    BIGINT      NOT NULL,
    image_sha  CHAR(64)    NOT NULL REFERENCES artifacts(sha),
    full_sha   CHAR(64)    NOT NULL REFERENCES artifacts(sha),  -- the patch from an empty base: any device
    rollout    VARCHAR(80) NOT NULL,                            -- all | group:NAME | percent:N
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (hardware, version)
);

CREATE TABLE patches (
    hardware     BIGINT   NOT NULL,
    version      BIGINT   NOT NULL,
    from_sha     CHAR(64) NOT NULL,
    artifact_sha CHAR(64) NOT NULL REFERENCES artifacts(sha),
    PRIMARY KEY (hardware, version, from_sha)
);

CREATE TABLE reports (
    device_id VARCHAR(64) NOT NULL,
    version   BIGINT      NOT NULL,
    status    VARCHAR(16) NOT NULL,
    error     INTEGER     NOT NULL,
    at        BIGINT      NOT NULL
);
CREATE INDEX reports_device ON reports (device_id);
