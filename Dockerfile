# fwdelta for release pipelines: `docker build -t fwdelta .`, then
#   docker run --rm -v "$PWD:/work" -w /work fwdelta diff old.bin new.bin -o update.fwd
# The build stage runs the same Maven build as a developer (tests are CI's job); the image holds a
# Java 17 runtime, the fat jar, its JVM options and a class-data sharing archive made for that runtime.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl diff-tool -am package

FROM eclipse-temurin:17-jre
COPY --from=build /src/diff-tool/target/fwdelta.jar /opt/fwdelta/lib/fwdelta.jar
COPY --from=build /src/diff-tool/jvm.options /opt/fwdelta/lib/jvm.options
COPY LICENSE NOTICE /opt/fwdelta/
RUN java @/opt/fwdelta/lib/jvm.options -XX:ArchiveClassesAtExit=/opt/fwdelta/lib/fwdelta.jsa \
        -jar /opt/fwdelta/lib/fwdelta.jar demo --out /tmp/cds-training >/dev/null \
    && rm -rf /tmp/cds-training
ENTRYPOINT ["java", "@/opt/fwdelta/lib/jvm.options", "-XX:SharedArchiveFile=/opt/fwdelta/lib/fwdelta.jsa", \
            "-jar", "/opt/fwdelta/lib/fwdelta.jar"]
