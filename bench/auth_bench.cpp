// The API-key hash every request computes (api::hash_api_key: SHA-256 fetched once, one
// context a thread) against what it replaced (EVP_Digest with EVP_sha256(): the digest looked
// up and a context made and freed each call).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <string>

#include "api/auth.hpp"

namespace {

const std::string kKey = "shipd_0123456789ABCDEFGHIJabcdefghij0123456789";

void BM_HashApiKey(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(shipd::api::hash_api_key(kKey));
}
BENCHMARK(BM_HashApiKey);

void BM_EvpDigestEachCall(benchmark::State& state) {
    for (auto _ : state) {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_Digest(kKey.data(), kKey.size(), digest, &len, EVP_sha256(), nullptr);
        benchmark::DoNotOptimize(std::string(reinterpret_cast<char*>(digest), len));
    }
}
BENCHMARK(BM_EvpDigestEachCall);

}  // namespace

BENCHMARK_MAIN();
