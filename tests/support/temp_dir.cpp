// TempDir: a throwaway directory under /tmp.
#include "support/temp_dir.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace shipd::testing {

TempDir::TempDir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = buf.data();
    // Servers run as the postgres user when tests run as root: let it pass through.
    chmod(path_.c_str(), 0711);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace shipd::testing
