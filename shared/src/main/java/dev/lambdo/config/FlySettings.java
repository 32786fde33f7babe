package dev.lambdo.config;

import dev.lambdo.event.MachineSpec;
import java.net.URI;
import java.util.Objects;

/** Where and as whom the worker (and a poller that makes first machines) talks to Fly: the Machines API, the logs API, the app. */
public record FlySettings(URI apiUrl, URI logsUrl, Secret token, String app, String region) {
  public static final String DEFAULT_API_URL = "https://api.machines.dev";
  public static final String DEFAULT_LOGS_URL = "https://api.fly.io";
  public static final String TOKEN = "LAMBDO_FLY_TOKEN";

  public FlySettings {
    Objects.requireNonNull(apiUrl, "apiUrl");
    Objects.requireNonNull(logsUrl, "logsUrl");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(app, "app");
  }

  /** Reads the Lambdo names, falling back to the ones Fly sets inside a machine. */
  static FlySettings read(EnvReader env) {
    URI api = env.url("LAMBDO_FLY_API_URL", DEFAULT_API_URL);
    URI logs = env.url("LAMBDO_FLY_LOGS_URL", DEFAULT_LOGS_URL);
    Secret token = env.secret(TOKEN);
    String app = env.required("LAMBDO_FLY_APP", "FLY_APP_NAME");
    String region =
        env.optional("LAMBDO_FLY_REGION").or(() -> env.optional("FLY_REGION")).orElse(null);
    if (region != null) {
      MachineSpec.regionProblem(region).ifPresent(p -> env.problem("LAMBDO_FLY_REGION " + p));
    }
    if (api == null || logs == null || token == null || app == null) {
      return null;
    }
    return new FlySettings(api, logs, token, app, region);
  }
}
