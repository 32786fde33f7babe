# syntax=docker/dockerfile:1
# One image build, one target per app:
#   docker build --target worker .        fly deploy --config fly.worker.toml   (its [build] names the target)
#   docker build --target poller .        fly deploy --config fly.poller.toml
#   docker build --target fly-emulator .  (local runs only: docker-compose.yml)

FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY shared/pom.xml shared/
COPY worker/pom.xml worker/
COPY poller/pom.xml poller/
COPY cli/pom.xml cli/
COPY devkit/pom.xml devkit/
COPY runtimes/java/pom.xml runtimes/java/
COPY shared/src shared/src
COPY worker/src worker/src
COPY poller/src poller/src
COPY cli/src cli/src
COPY devkit/src devkit/src
COPY runtimes/java/src runtimes/java/src
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package -pl worker,poller,devkit -am \
 && mkdir /out \
 && cp worker/target/lambdo-worker-*-app.jar /out/worker.jar \
 && cp poller/target/lambdo-poller-*-app.jar /out/poller.jar \
 && cp devkit/target/lambdo-devkit-*-app.jar /out/fly-emulator.jar

FROM eclipse-temurin:21-jre AS runtime
# curl for the health check; a system user so the apps never run as root.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app lambdo
WORKDIR /app
# Container-aware heap: a share of the VM's or container's memory, not of the host's.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    LAMBDO_HEALTH_PORT=8080
EXPOSE 8080
# Liveness: a runtime that restarts unhealthy containers must not restart one because Temporal,
# SQS or Fly is down. /ready says whether they answer; Fly's checks ask both (fly.*.toml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://localhost:8080/health || exit 1
# Exec-form entrypoints make java PID 1, so SIGTERM reaches it: it finishes the work in hand and exits 0.
STOPSIGNAL SIGTERM
USER lambdo

FROM runtime AS worker
COPY --from=build /out/worker.jar /app/app.jar
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

FROM runtime AS poller
COPY --from=build /out/poller.jar /app/app.jar
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

FROM runtime AS fly-emulator
COPY --from=build /out/fly-emulator.jar /app/app.jar
# Under /tmp: the lambdo user may not create anything in /app, which is root's.
ENV LAMBDO_EMULATOR_DIR=/tmp/lambdo-machines
EXPOSE 4280
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
