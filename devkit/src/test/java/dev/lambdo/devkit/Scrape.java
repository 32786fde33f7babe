package dev.lambdo.devkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One scrape of a {@code /metrics} endpoint, read the way Prometheus reads the text format. */
public record Scrape(Map<String, Double> series) {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static Scrape of(String baseUrl) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("/metrics answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new AssertionError("no scrape of " + baseUrl + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Scrape parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{') >= 0 ? line.lastIndexOf('}') + 1 : line.indexOf(' ');
      series.put(line.substring(0, end), Double.parseDouble(line.substring(end).trim().split(" ")[0]));
    }
    return new Scrape(series);
  }

  /** Metric names as exposed, {@code _bucket}, {@code _count} and the like included. */
  Set<String> names() {
    Set<String> names = new TreeSet<>();
    series.keySet().forEach(s -> names.add(s.contains("{") ? s.substring(0, s.indexOf('{')) : s));
    return names;
  }

  /** The sum of the series of {@code name} whose labels include every {@code label="value"} given. */
  public double value(String name, String... labels) {
    double sum = 0;
    for (Map.Entry<String, Double> s : series.entrySet()) {
      String key = s.getKey();
      String seriesName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
      boolean matches = seriesName.equals(name);
      for (String label : labels) {
        matches &= key.contains(label);
      }
      if (matches) {
        sum += s.getValue();
      }
    }
    return sum;
  }
}
