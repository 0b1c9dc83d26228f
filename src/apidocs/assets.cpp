// Content types, entity tags and caching policy of the embedded files.
#include "apidocs/assets.hpp"

#include <stdexcept>
#include <string>

#include "apidocs/detail/embedded.hpp"

namespace shipd::apidocs {

namespace {

// The document and the page are revalidated on every use (the ETag makes that a 304 without a
// body); swagger-ui's files change only with the binary, so a browser keeps them a day.
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kKeepADay = "public, max-age=86400";

// The files of /docs/{file}; openapi.json and docs.html have routes of their own.
constexpr std::string_view kPageFiles[] = {"swagger-ui.css", "swagger-ui-bundle.js", "shipd-docs.js", "favicon-32x32.png"};

std::string_view content_type_of(std::string_view name) {
    auto ends = [&](std::string_view ext) { return name.ends_with(ext); };
    if (ends(".json")) return "application/json";
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".js")) return "text/javascript; charset=utf-8";
    if (ends(".png")) return "image/png";
    return "application/octet-stream";
}

struct Table {
    std::vector<std::string> etags;  // owns the quoted tags the assets point into
    std::vector<Asset> assets;

    Table() {
        const auto& files = detail::embedded_files();
        etags.reserve(files.size());
        for (const auto& f : files) {
            etags.push_back("\"" + std::string(f.sha256.substr(0, 32)) + "\"");
            bool page_file = f.name != "openapi.json" && f.name != "docs.html";
            assets.push_back({f.name, content_type_of(f.name), f.contents, etags.back(), page_file ? kKeepADay : kRevalidate});
        }
    }

    const Asset* find(std::string_view name) const {
        for (const auto& a : assets)
            if (a.name == name) return &a;
        return nullptr;
    }

    const Asset& get(std::string_view name) const {
        const Asset* a = find(name);
        if (!a) throw std::logic_error("apidocs: " + std::string(name) + " was not embedded");
        return *a;
    }
};

const Table& table() {
    static const Table t;
    return t;
}

}  // namespace

const Asset& openapi_document() { return table().get("openapi.json"); }

const Asset& docs_page() { return table().get("docs.html"); }

const Asset* docs_file(std::string_view name) {
    for (std::string_view known : kPageFiles)
        if (known == name) return table().find(name);
    return nullptr;
}

std::vector<std::string_view> docs_file_names() { return {std::begin(kPageFiles), std::end(kPageFiles)}; }

}  // namespace shipd::apidocs
