// TempDir: a throwaway directory under /tmp, removed with everything in it on destruction.
#pragma once

#include <filesystem>
#include <string>

namespace shipd::testing {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "shipd-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace shipd::testing
