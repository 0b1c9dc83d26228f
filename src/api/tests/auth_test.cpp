// API keys: the stored hash is SHA-256 of the key (the same from every thread, every time),
// keys have their documented shape, and the Authorization header yields the key.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/auth.hpp"

namespace shipd::api {
namespace {

std::string hex(const std::string& bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
    }
    return out;
}

TEST(ApiKeyHash, IsSha256OfTheKey) {
    // FIPS 180-2 test vectors.
    EXPECT_EQ(hex(hash_api_key("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex(hash_api_key("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // The per-thread context is reused: a second hash is not polluted by the first.
    EXPECT_EQ(hex(hash_api_key("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeyHash, EveryThreadHashesAlike) {
    const std::string key = generate_api_key();
    const std::string want = hash_api_key(key);
    EXPECT_EQ(want.size(), 32u);
    std::vector<std::string> got(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i) {
        threads.emplace_back([&, i] {
            for (int n = 0; n < 1000; ++n) got[i] = hash_api_key(key);
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& g : got) EXPECT_EQ(g, want);
}

TEST(ApiKeys, AreNewAndShaped) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string key = generate_api_key();
        EXPECT_EQ(key.rfind("shipd_", 0), 0u) << key;
        EXPECT_EQ(key.size(), 46u) << key;
        EXPECT_EQ(key_prefix(key), key.substr(0, 12));
        EXPECT_TRUE(seen.insert(key).second) << key;
    }
}

TEST(Authorization, BearerAndBasicYieldTheKeyAndAnythingElseNothing) {
    EXPECT_EQ(key_from_authorization("Bearer shipd_abc"), "shipd_abc");
    // EasyPost's clients: the key as the user name, empty password ("shipd_abc:").
    EXPECT_EQ(key_from_authorization("Basic c2hpcGRfYWJjOg=="), "shipd_abc");
    EXPECT_EQ(key_from_authorization("  bearer  shipd_abc  "), "shipd_abc");  // scheme any case, spaces trimmed
    EXPECT_EQ(key_from_authorization("Basic c2hpcGRfYWJj"), "shipd_abc");      // no password part at all
    for (const char* none : {"", "Bearer", "Token shipd_abc", "Basic", "basic", "Digest x"}) {
        EXPECT_EQ(key_from_authorization(none), "") << none;
    }
    EXPECT_EQ(key_from_authorization("Basic !!!!"), "");  // not base64: nothing, not garbage
    EXPECT_EQ(key_from_authorization(std::string(100000, 'B')), "");
}

}  // namespace
}  // namespace shipd::api
