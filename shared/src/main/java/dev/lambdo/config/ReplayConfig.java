package dev.lambdo.config;

import dev.lambdo.event.Guardrails;
import java.util.Map;

/**
 * What {@code lambdo replay} needs: the Temporal server, read like the apps read it, and the
 * pollers' guardrails, which a replay is held to because it does not pass a poller.
 */
public record ReplayConfig(TemporalSettings temporal, Guardrails guardrails) {
  public static ReplayConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    TemporalSettings temporal = TemporalSettings.read(env, environment);
    Guardrails guardrails = Guardrails.read(env);
    env.check();
    return new ReplayConfig(temporal, guardrails);
  }
}
