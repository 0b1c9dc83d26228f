// Webhook signatures: known vectors, NFKD-normalised secrets, bad, missing and garbled headers.
#include <gtest/gtest.h>

#include <string>

#include "carriers/webhook_signature.hpp"

namespace shipd::carriers {
namespace {

constexpr std::string_view kBody = R"({"id":"evt_1","description":"tracker.updated"})";

// Expected digests computed while writing the test with
//   printf '%s' '{"id":"evt_1","description":"tracker.updated"}' | openssl dgst -sha256 -hmac KEY
// (and for café with -macopt hexkey: of its NFKD bytes "cafe\xcc\x81"), cross-checked with
// Python's hmac over unicodedata.normalize('NFKD', secret), which is what EasyPost's clients do.
constexpr std::string_view kSekrit =
    "hmac-sha256-hex=d86316372ed1362c750f6e155ddf423f3812a69bfae336387bf988296f8ef150";
constexpr std::string_view kFileSecret =  // key "file-secret"
    "hmac-sha256-hex=10e2000134ab00b1050690ac7233b8ef03645b3c98660c1b7c6a19e5826b77c3";
constexpr std::string_view kAbc123 =  // key "ABC123"
    "hmac-sha256-hex=2493b0a381701acd277a3d531b89a5dc0d1d2d36e2f87b8dddf7f07ce5f22ef2";
constexpr std::string_view kCafe =  // key "cafe" + U+0301 (NFKD of "café")
    "hmac-sha256-hex=7c839d34537de57726e3fc3d4dc7dcdac8289499b1277b8e90d3f4c364247c48";
constexpr std::string_view kSekritEmptyBody =
    "hmac-sha256-hex=be677180f95dc834bc70fcab998bb73b0b1cfcc34918ff0793f337479d0f685b";

TEST(WebhookSignature, KnownVectors) {
    EXPECT_EQ(webhook_signature(kBody, "sekrit"), kSekrit);
    EXPECT_EQ(webhook_signature("", "sekrit"), kSekritEmptyBody);
    EXPECT_EQ(verify_webhook_signature(kSekrit, kBody, "sekrit"), SignatureCheck::kValid);
    EXPECT_EQ(verify_webhook_signature(kSekritEmptyBody, "", "sekrit"), SignatureCheck::kValid);
}

TEST(WebhookSignature, SecretIsNfkdNormalised) {
    EXPECT_EQ(nfkd_normalize("\xEF\xAC\x81le-secret"), "file-secret");  // U+FB01 ligature
    EXPECT_EQ(nfkd_normalize("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"),
              "ABC123");  // full-width
    EXPECT_EQ(nfkd_normalize("caf\xC3\xA9"), "cafe\xCC\x81");

    EXPECT_EQ(webhook_signature(kBody, "\xEF\xAC\x81le-secret"), kFileSecret);
    EXPECT_EQ(verify_webhook_signature(kFileSecret, kBody, "\xEF\xAC\x81le-secret"),
              SignatureCheck::kValid);
    EXPECT_EQ(verify_webhook_signature(kAbc123, kBody,
                                       "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"),
              SignatureCheck::kValid);
    EXPECT_EQ(verify_webhook_signature(kCafe, kBody, "caf\xC3\xA9"), SignatureCheck::kValid);
    // The already-decomposed spelling is the same key.
    EXPECT_EQ(verify_webhook_signature(kCafe, kBody, "cafe\xCC\x81"), SignatureCheck::kValid);
}

TEST(WebhookSignature, ToleratesCaseAndBlanks) {
    std::string upper(kSekrit);
    for (std::size_t i = 16; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
    EXPECT_EQ(verify_webhook_signature(upper, kBody, "sekrit"), SignatureCheck::kValid);
    EXPECT_EQ(verify_webhook_signature("  " + std::string(kSekrit) + "\t", kBody, "sekrit"),
              SignatureCheck::kValid);
    EXPECT_EQ(verify_webhook_signature("HMAC-SHA256-HEX=" + std::string(kSekrit.substr(16)), kBody,
                                       "sekrit"),
              SignatureCheck::kValid);
}

TEST(WebhookSignature, Mismatches) {
    EXPECT_EQ(verify_webhook_signature(kSekrit, kBody, "other"), SignatureCheck::kMismatch);
    EXPECT_EQ(verify_webhook_signature(kSekrit, std::string(kBody) + " ", "sekrit"),
              SignatureCheck::kMismatch);
    std::string flipped(kSekrit);
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    EXPECT_EQ(verify_webhook_signature(flipped, kBody, "sekrit"), SignatureCheck::kMismatch);
    // The un-normalised ligature secret is a different key.
    EXPECT_EQ(verify_webhook_signature(kFileSecret, kBody, "fle-secret"), SignatureCheck::kMismatch);
}

TEST(WebhookSignature, MissingAndMalformed) {
    EXPECT_EQ(verify_webhook_signature("", kBody, "sekrit"), SignatureCheck::kMissing);
    EXPECT_EQ(verify_webhook_signature("   ", kBody, "sekrit"), SignatureCheck::kMissing);
    std::string hex(kSekrit.substr(16));
    for (std::string bad : {hex,                                   // no prefix
                            "hmac-sha1-hex=" + hex,                // another scheme
                            "hmac-sha256-hex=" + hex.substr(1),    // one digit short
                            "hmac-sha256-hex=" + hex + "0",        // one digit long
                            "hmac-sha256-hex=" + hex.substr(0, 63) + "g",  // not hex
                            "hmac-sha256-hex= " + hex.substr(1),   // blank inside
                            std::string("hmac-sha256-hex="),       // nothing after
                            std::string("\xff\xfe garbage \x00", 13)}) {
        EXPECT_EQ(verify_webhook_signature(bad, kBody, "sekrit"), SignatureCheck::kMalformed) << bad;
    }
}

TEST(WebhookSignature, NoSecretAndInvalidSecret) {
    EXPECT_EQ(verify_webhook_signature(kSekrit, kBody, ""), SignatureCheck::kNoSecret);
    EXPECT_THROW(verify_webhook_signature(kSekrit, kBody, "bad\xff"), std::invalid_argument);
    try {
        nfkd_normalize("top-secret\xc3");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("top-secret"), std::string::npos);
    }
    EXPECT_EQ(to_string(SignatureCheck::kMismatch), "mismatch");
}

}  // namespace
}  // namespace shipd::carriers
