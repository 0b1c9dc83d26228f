// EasyPost webhook signatures: X-Hmac-Signature = "hmac-sha256-hex=" + HMAC-SHA256 of the raw
// body under the NFKD-normalised webhook secret, checked in constant time.
#pragma once

#include <string>
#include <string_view>

namespace shipd::carriers {

/// The header EasyPost signs its webhook deliveries with.
inline constexpr std::string_view kWebhookSignatureHeader = "X-Hmac-Signature";

/// The outcome of checking a webhook's signature.
enum class SignatureCheck {
    kValid,
    kMissing,    ///< no header, or an empty one
    kMalformed,  ///< not "hmac-sha256-hex=" followed by 64 hex digits
    kMismatch,   ///< well formed, but not this body under this secret
    kNoSecret,   ///< no secret configured: nothing can be verified (the route answers 503)
};

/// "valid", "missing", "malformed", "mismatch", "no_secret" (for logs and error messages).
std::string_view to_string(SignatureCheck check);

/// The NFKD normalisation of UTF-8 text (ICU), as EasyPost normalises webhook secrets.
/// Throws std::invalid_argument when `utf8` is not valid UTF-8 (the message never quotes it).
std::string nfkd_normalize(std::string_view utf8);

/// The header value EasyPost sends for `body` under `secret`:
/// "hmac-sha256-hex=" + 64 lower-case hex digits. Throws as nfkd_normalize.
std::string webhook_signature(std::string_view body, std::string_view secret);

/// Checks `header` (the X-Hmac-Signature value; surrounding blanks ignored, hex of either case)
/// against `body` under `secret`. The digests are compared with CRYPTO_memcmp, in constant
/// time. Throws std::invalid_argument when the secret is not valid UTF-8 (a settings problem,
/// validated at startup).
SignatureCheck verify_webhook_signature(std::string_view header, std::string_view body,
                                        std::string_view secret);

}  // namespace shipd::carriers
