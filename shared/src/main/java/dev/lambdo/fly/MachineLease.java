package dev.lambdo.fly;

/**
 * A machine's lease (docs/fly-machines-api.md §3, "Leases"): while it lasts, only calls that send
 * its {@code nonce} may update, start, stop or destroy the machine.
 *
 * @param expiresAt unix seconds
 * @param version the machine version it was taken on
 */
public record MachineLease(String nonce, long expiresAt, String owner, String description, String version) {}
