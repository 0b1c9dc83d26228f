// Webhook signatures: ICU for NFKD, OpenSSL for HMAC-SHA256 and the constant-time compare.
#include "carriers/webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "carriers/detail/digest.hpp"

namespace shipd::carriers {

namespace {

constexpr std::string_view kPrefix = "hmac-sha256-hex=";
constexpr std::size_t kDigestSize = 32;  // SHA-256

using Digest = std::array<unsigned char, kDigestSize>;

bool valid_utf8(std::string_view s) {
    std::int32_t i = 0;
    const auto n = static_cast<std::int32_t>(s.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) return false;
    }
    return true;
}

Digest hmac_sha256(std::string_view key, std::string_view body) {
    Digest out{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), out.data(), &size);
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string_view to_string(SignatureCheck check) {
    switch (check) {
        case SignatureCheck::kValid: return "valid";
        case SignatureCheck::kMissing: return "missing";
        case SignatureCheck::kMalformed: return "malformed";
        case SignatureCheck::kMismatch: return "mismatch";
        case SignatureCheck::kNoSecret: return "no_secret";
    }
    return "unknown";
}

std::string nfkd_normalize(std::string_view utf8) {
    // ICU replaces invalid sequences silently; refuse them instead so two different byte
    // strings never normalise to the same key.
    if (!valid_utf8(utf8)) throw std::invalid_argument("the webhook secret is not valid UTF-8");
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU has no NFKD normaliser");
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
    icu::UnicodeString out = nfkd->normalize(in, status);
    if (U_FAILURE(status)) throw std::runtime_error("NFKD normalisation failed");
    std::string result;
    out.toUTF8String(result);
    return result;
}

std::string webhook_signature(std::string_view body, std::string_view secret) {
    Digest d = hmac_sha256(nfkd_normalize(secret), body);
    return std::string(kPrefix) + detail::to_hex(d.data(), d.size());
}

SignatureCheck verify_webhook_signature(std::string_view header, std::string_view body,
                                        std::string_view secret) {
    if (secret.empty()) return SignatureCheck::kNoSecret;
    header = trim(header);
    if (header.empty()) return SignatureCheck::kMissing;
    if (header.size() != kPrefix.size() + 2 * kDigestSize ||
        !iequals(header.substr(0, kPrefix.size()), kPrefix)) {
        return SignatureCheck::kMalformed;
    }
    Digest given{};
    std::string_view hex = header.substr(kPrefix.size());
    for (std::size_t i = 0; i < kDigestSize; ++i) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return SignatureCheck::kMalformed;
        given[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    Digest expected = hmac_sha256(nfkd_normalize(secret), body);
    return CRYPTO_memcmp(given.data(), expected.data(), kDigestSize) == 0
               ? SignatureCheck::kValid
               : SignatureCheck::kMismatch;
}

}  // namespace shipd::carriers
