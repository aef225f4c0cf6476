package dev.latchkey.token;

/** A fresh access/refresh token pair, in plain text: the only moment it exists outside the client. */
public record IssuedTokens(String accessToken, String refreshToken, long accessExpiresAt) {}
