package dev.lambdo.fly;

/** What Get App answers, as far as Lambdo reads it: that the app is there and the token may see it. */
public record FlyApp(String id, String name, String status) {}
