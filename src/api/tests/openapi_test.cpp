// docs/openapi.json, as compiled into shipd: structurally OpenAPI 3.1 (every $ref resolves,
// every path parameter declared, operation ids unique), and listing exactly the routes the
// router serves, built as the app builds it.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "api/routes.hpp"
#include "api/services.hpp"
#include "apidocs/assets.hpp"
#include "http/router.hpp"

namespace shipd::api {
namespace {

namespace json = boost::json;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

json::value document() {
    json::error_code ec;
    json::value doc = json::parse(apidocs::openapi_document().body, ec);
    if (ec) ADD_FAILURE() << "docs/openapi.json is not JSON: " << ec.message();
    return doc;
}

// Every "$ref" string anywhere below `v`, with where it was found.
void collect_refs(const json::value& v, const std::string& where, std::vector<std::pair<std::string, std::string>>& out) {
    if (const auto* o = v.if_object()) {
        for (const auto& [k, child] : *o) {
            if (k == "$ref" && child.is_string()) out.emplace_back(std::string(child.get_string()), where);
            collect_refs(child, where + "/" + std::string(k), out);
        }
    } else if (const auto* a = v.if_array()) {
        for (std::size_t i = 0; i < a->size(); ++i) collect_refs((*a)[i], where + "/" + std::to_string(i), out);
    }
}

// `v` itself, or what its "$ref" points to (one level: the document's refs are never chained).
const json::value& resolve(const json::value& doc, const json::value& v) {
    if (const auto* o = v.if_object(); o && o->contains("$ref")) {
        json::error_code ec;
        std::string pointer(o->at("$ref").get_string());
        if (const json::value* target = doc.find_pointer(pointer.substr(1), ec)) return *target;
    }
    return v;
}

std::string describe(const std::set<std::string>& routes) {
    std::string out;
    for (const auto& r : routes) out += "  " + r + "\n";
    return out.empty() ? "  (none)\n" : out;
}

TEST(OpenApiDocument, IsStructurallyOpenApi31) {
    json::value doc = document();
    ASSERT_TRUE(doc.is_object());
    ASSERT_TRUE(doc.at("openapi").is_string());
    EXPECT_TRUE(std::string(doc.at("openapi").get_string()).starts_with("3.1.")) << doc.at("openapi");
    const auto& info = doc.at("info").as_object();
    EXPECT_TRUE(info.at("title").is_string());
    EXPECT_TRUE(info.at("version").is_string());
    const auto& paths = doc.at("paths").as_object();
    ASSERT_FALSE(paths.empty());
    const auto& schemes = doc.at("components").at("securitySchemes").as_object();

    std::set<std::string> operation_ids;
    for (const auto& [path, item] : paths) {
        EXPECT_TRUE(path.starts_with("/")) << path;
        // Path parameters named in the template.
        std::set<std::string> in_template;
        for (std::size_t i = path.find('{'); i != std::string::npos; i = path.find('{', i + 1)) {
            in_template.insert(std::string(path.substr(i + 1, path.find('}', i) - i - 1)));
        }
        for (const char* method : kMethods) {
            const json::value* op = item.as_object().if_contains(method);
            if (!op) continue;
            std::string where = std::string(method) + " " + std::string(path);
            const auto& o = op->as_object();
            ASSERT_TRUE(o.contains("operationId")) << where;
            EXPECT_TRUE(operation_ids.insert(std::string(o.at("operationId").get_string())).second)
                << "duplicate operationId at " << where;
            EXPECT_TRUE(o.contains("summary")) << where;
            ASSERT_TRUE(o.contains("responses")) << where;
            EXPECT_FALSE(o.at("responses").as_object().empty()) << where;
            for (const auto& [status, response] : o.at("responses").as_object()) {
                EXPECT_TRUE(status.size() == 3 && std::all_of(status.begin(), status.end(), ::isdigit)) << where << " " << status;
                EXPECT_TRUE(resolve(doc, response).as_object().contains("description")) << where << " " << status;
            }
            std::set<std::string> declared;
            if (const json::value* params = o.if_contains("parameters")) {
                for (const auto& p : params->as_array()) {
                    const auto& param = resolve(doc, p).as_object();
                    std::string in(param.at("in").get_string());
                    EXPECT_TRUE(in == "path" || in == "query" || in == "header" || in == "cookie") << where;
                    if (in == "path") {
                        EXPECT_EQ(param.at("required"), json::value(true)) << where;
                        declared.insert(std::string(param.at("name").get_string()));
                    }
                }
            }
            EXPECT_EQ(declared, in_template) << where << ": path parameters declared vs in the template";
            if (const json::value* security = o.if_contains("security")) {
                for (const auto& requirement : security->as_array()) {
                    for (const auto& [scheme, scopes] : requirement.as_object()) {
                        EXPECT_TRUE(schemes.contains(scheme)) << where << ": unknown security scheme " << scheme;
                    }
                }
            }
        }
    }
    EXPECT_GE(operation_ids.size(), paths.size());
}

TEST(OpenApiDocument, EveryRefResolves) {
    json::value doc = document();
    std::vector<std::pair<std::string, std::string>> refs;
    collect_refs(doc, "", refs);
    ASSERT_FALSE(refs.empty());
    for (const auto& [ref, where] : refs) {
        ASSERT_TRUE(ref.starts_with("#/")) << "external or malformed $ref " << ref << " at " << where;
        json::error_code ec;
        EXPECT_NE(doc.find_pointer(ref.substr(1), ec), nullptr) << "unresolved $ref " << ref << " at " << where;
    }
}

TEST(OpenApiDocument, ListsExactlyTheRoutesOfTheRouter) {
    // The router as the app builds it (app.cpp: api::add_routes on each loop's Services);
    // handlers are only registered, never run, so no database or carrier is needed.
    config::Settings settings;
    Services services;
    services.settings = &settings;
    http::Router router;
    add_routes(router, services);

    std::set<std::string> served;
    for (const auto& r : router.routes()) {
        std::string method(http::bhttp::to_string(r.method));
        served.insert(method + " " + r.path);
    }
    std::set<std::string> documented;
    json::value doc = document();
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const char* method : kMethods) {
            if (!item.as_object().contains(method)) continue;
            std::string upper(method);
            for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            documented.insert(upper + " " + std::string(path));
        }
    }
    std::set<std::string> undocumented, unserved;
    std::set_difference(served.begin(), served.end(), documented.begin(), documented.end(),
                        std::inserter(undocumented, undocumented.end()));
    std::set_difference(documented.begin(), documented.end(), served.begin(), served.end(),
                        std::inserter(unserved, unserved.end()));
    EXPECT_TRUE(undocumented.empty() && unserved.empty())
        << "served by the router but not in docs/openapi.json:\n" << describe(undocumented)
        << "in docs/openapi.json but not served by the router:\n" << describe(unserved);
}

TEST(OpenApiDocument, DocsFileParameterNamesTheServedFiles) {
    json::value doc = document();
    const auto& params = doc.at("paths").at("/docs/{file}").at("get").at("parameters").as_array();
    std::set<std::string> listed;
    for (const auto& p : params) {
        const auto& param = resolve(doc, p).as_object();
        if (param.at("in") != "path") continue;
        for (const auto& name : param.at("schema").at("enum").as_array()) listed.insert(std::string(name.get_string()));
    }
    std::set<std::string> served;
    for (auto name : apidocs::docs_file_names()) {
        const apidocs::Asset* asset = apidocs::docs_file(name);
        ASSERT_NE(asset, nullptr) << name << " is not embedded";
        EXPECT_FALSE(asset->body.empty()) << name;
        served.insert(std::string(name));
    }
    EXPECT_EQ(listed, served);
    EXPECT_EQ(apidocs::docs_file("openapi.json"), nullptr) << "/docs/{file} serves the page's files only";
    EXPECT_EQ(apidocs::docs_file("../docs.html"), nullptr);
}

TEST(OpenApiDocument, EmbeddedFilesAreWholeAndTagged) {
    // The embedded document is byte for byte the source file.
    const auto& embedded = apidocs::openapi_document();
    const char* source_dir = std::getenv("SHIPD_SOURCE_DIR");
    ASSERT_NE(source_dir, nullptr) << "SHIPD_SOURCE_DIR is set by CTest";
    std::FILE* f = std::fopen((std::string(source_dir) + "/docs/openapi.json").c_str(), "rb");
    ASSERT_NE(f, nullptr);
    std::string source;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) source.append(buf, n);
    std::fclose(f);
    EXPECT_EQ(embedded.body, source);
    EXPECT_EQ(embedded.content_type, "application/json");
    EXPECT_EQ(embedded.etag.size(), 34u);
    EXPECT_EQ(embedded.etag.front(), '"');
    EXPECT_NE(apidocs::docs_page().body.find("/docs/swagger-ui-bundle.js"), std::string_view::npos);
    const apidocs::Asset* bundle = apidocs::docs_file("swagger-ui-bundle.js");
    ASSERT_NE(bundle, nullptr);
    EXPECT_GT(bundle->body.size(), 1'000'000u);
    EXPECT_NE(bundle->body.find("SwaggerUIBundle"), std::string_view::npos);
    EXPECT_NE(bundle->etag, embedded.etag);
}

}  // namespace
}  // namespace shipd::api
