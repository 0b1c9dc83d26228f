// Authentication: API keys, Bearer and Basic, admin-only routes.
#include "api/auth.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

#include "api/database.hpp"
#include "api/api_error.hpp"
#include "pg/cluster.hpp"
#include "store/api_keys_store.hpp"

namespace shipd::api {

// How long a looked-up key is trusted without asking the database again: short enough that a
// revoked key stops working promptly, long enough that a busy client costs no round trip.
constexpr auto kKeyCacheTtl = std::chrono::seconds(10);
// Entries kept per loop before the cache is cleared (bounds memory against key spraying).
constexpr std::size_t kKeyCacheMax = 10'000;
constexpr std::string_view kKeyPrefix = "shipd_";
constexpr int kKeyRandomChars = 40;

std::string generate_api_key() {
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string key(kKeyPrefix);
    unsigned char bytes[64];
    int made = 0;
    while (made < kKeyRandomChars) {
        if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for an API key");
        for (unsigned char b : bytes) {
            if (made == kKeyRandomChars) break;
            if (b >= 248) continue;  // 248 = 4 * 62: keep the choice uniform
            key += kAlphabet[b % 62];
            ++made;
        }
    }
    return key;
}

std::string hash_api_key(std::string_view key) {
    // Every request hashes its key (the cache is keyed by the hash, never by the key itself).
    // The digest is fetched once and each thread keeps one context: EVP_Digest with
    // EVP_sha256() looked the algorithm up and made and freed a context each time.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!sha256 || !ctx || EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
        throw std::runtime_error("SHA-256 is not available from OpenSSL");
    }
    return std::string(reinterpret_cast<char*>(digest), len);
}

std::string key_prefix(std::string_view key) { return std::string(key.substr(0, 12)); }

namespace {

std::string base64_decode(std::string_view in) {
    static const auto kTable = [] {
        std::array<int, 256> t{};
        t.fill(-1);
        const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(chars[i])] = i;
        return t;
    }();
    std::string out;
    int buffer = 0, bits = 0;
    for (unsigned char c : in) {
        if (c == '=') break;
        int v = kTable[c];
        if (v < 0) return {};
        buffer = (buffer << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
    }
    return true;
}

}  // namespace

std::string key_from_authorization(std::string_view header) {
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    if (starts_with_ci(header, "bearer ")) {
        std::string_view key = header.substr(7);
        while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
        while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
        return std::string(key);
    }
    if (starts_with_ci(header, "basic ")) {
        std::string decoded = base64_decode(header.substr(6));
        // std::find, not string::find: GCC 12 warns falsely (-Wstringop-overread) on the latter here.
        decoded.erase(std::find(decoded.begin(), decoded.end(), ':'), decoded.end());
        return decoded;
    }
    return {};
}

bool is_public_route(std::string_view route, const config::Settings& settings) {
    if (route.starts_with("/health") || route == "/openapi.json" || route.starts_with("/docs") ||
        route == "/v1/webhooks/easypost") {
        return true;
    }
    if (route == "/metrics") return !settings.metrics_require_key;
    return false;
}

http::Middleware authentication(Services& services) {
    return [&services](http::RequestContext& ctx, const http::Handler& next) -> boost::asio::awaitable<http::Response> {
        // Unknown routes answer 404 whoever asks; public routes need no key.
        if (ctx.route.empty() || is_public_route(ctx.route, *services.settings)) co_return co_await next(ctx);
        std::string key = key_from_authorization(ctx.request[http::bhttp::field::authorization]);
        if (key.empty()) {
            throw ApiError(http::Status::unauthorized, "UNAUTHORIZED",
                           "an API key is required: Authorization: Bearer <key>");
        }
        std::string hash = hash_api_key(key);
        auto now = std::chrono::steady_clock::now();
        auto& cache = services.keys.entries;
        auto it = cache.find(hash);
        if (it == cache.end() || now - it->second.fetched > kKeyCacheTtl) {
            auto found = co_await store::find_key_by_hash(db(services, ctx).read(), hash);
            if (cache.size() >= kKeyCacheMax) cache.clear();
            KeyCache::Entry entry;
            entry.fetched = now;
            if (found) {
                entry.principal = Principal{found->id, found->name, found->is_admin};
                entry.revoked = found->revoked;
            } else {
                entry.revoked = true;  // unknown keys are cached too, so guessing costs no queries
            }
            it = cache.insert_or_assign(hash, entry).first;
        }
        if (it->second.revoked || it->second.principal.key_id.empty()) {
            throw ApiError(http::Status::unauthorized, "UNAUTHORIZED", "the API key is not valid (unknown or revoked)");
        }
        if (ctx.route.starts_with("/v1/admin/") && !it->second.principal.is_admin) {
            throw ApiError(http::Status::forbidden, "FORBIDDEN", "this route needs an admin key");
        }
        ctx.principal = it->second.principal.key_id;
        co_return co_await next(ctx);
    };
}

}  // namespace shipd::api
