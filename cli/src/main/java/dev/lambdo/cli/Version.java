package dev.lambdo.cli;

import picocli.CommandLine.IVersionProvider;

/** The version the jar's manifest names; "development" when run from classes. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Lambdo.class.getPackage().getImplementationVersion();
    return new String[] {"lambdo " + (version == null ? "development" : version)};
  }
}
