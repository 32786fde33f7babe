import java.util.Map;

/**
 * Loads an app's settings from this process's environment the way its main does, for
 * checks/deploy.py: {@code java -cp <app jar> checks/LoadConfig.java dev.lambdo.config.WorkerConfig}.
 * Exits 0 when they load; else prints the loader's message (which never holds a secret) and exits 2.
 */
public class LoadConfig {
  public static void main(String[] args) throws Exception {
    try {
      Class.forName(args[0]).getMethod("fromEnv", Map.class).invoke(null, System.getenv());
    } catch (java.lang.reflect.InvocationTargetException e) {
      System.out.println(e.getCause().getMessage());
      System.exit(2);
    }
  }
}
