// GET /openapi.json and /docs on the shipd binary: no key needed, content types, ETag and 304,
// and the page rendered by a real browser (headless Chromium): swagger-ui ran on the document
// and drew the shipments operations.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/child_process.hpp"
#include "support/shipd_server.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

// The Chromium of the Debian package `chromium` (scripts/install-deps.sh), or another on PATH.
std::string find_chromium() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        for (const char* name : {"chromium", "chromium-browser"}) {
            std::filesystem::path candidate = std::filesystem::path(dir) / name;
            if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
        }
    }
    return {};
}

TEST(DocsE2E, OpenApiJsonIsPublicJsonWithAnETag) {
    Api api = default_api();
    HttpResponse r = api.anonymous("GET", "/openapi.json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_FALSE(r.header("x-request-id").empty());
    boost::json::value doc = json_of(r);
    ASSERT_TRUE(doc.is_object()) << "not JSON: " << r.body.substr(0, 200);
    EXPECT_EQ(str_at(doc, "openapi").substr(0, 4), "3.1.");
    EXPECT_NE(at(doc, "paths./v1/shipments.post"), nullptr);
    std::string etag = r.header("etag");
    ASSERT_EQ(etag.size(), 34u) << etag;
    EXPECT_EQ(r.header("cache-control"), "no-cache");

    // Revalidation: the same tag (alone, weak, or in a list) is a 304 without a body.
    for (const std::string& sent : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        HttpResponse again = api.anonymous("GET", "/openapi.json", {}, "If-None-Match: " + sent + "\r\n");
        EXPECT_EQ(again.status, 304) << sent;
        EXPECT_TRUE(again.body.empty()) << sent;
        EXPECT_EQ(again.header("etag"), etag);
        EXPECT_EQ(again.header("content-length"), "") << "a 304 claims no length";
    }
    HttpResponse stale = api.anonymous("GET", "/openapi.json", {}, "If-None-Match: \"0123\"\r\n");
    EXPECT_EQ(stale.status, 200);
    EXPECT_EQ(stale.body, r.body);
    // A key is not needed, but one does no harm.
    EXPECT_EQ(api.get("/openapi.json").status, 200);
}

TEST(DocsE2E, PageAndItsFilesAreServedWithTheirTypes) {
    Api api = default_api();
    HttpResponse page = api.anonymous("GET", "/docs");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("swagger-ui-bundle.js"), std::string::npos);
    EXPECT_EQ(page.body.find("://"), std::string::npos) << "the page loads nothing from elsewhere";
    EXPECT_EQ(api.anonymous("GET", "/docs", {}, "If-None-Match: " + page.header("etag") + "\r\n").status, 304);

    struct File {
        const char* path;
        const char* type;
    };
    for (const File& f : {File{"/docs/swagger-ui.css", "text/css; charset=utf-8"},
                          File{"/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
                          File{"/docs/shipd-docs.js", "text/javascript; charset=utf-8"},
                          File{"/docs/favicon-32x32.png", "image/png"}}) {
        HttpResponse r = api.anonymous("GET", f.path);
        ASSERT_EQ(r.status, 200) << f.path << ": " << r.body.substr(0, 200);
        EXPECT_EQ(r.header("content-type"), f.type) << f.path;
        EXPECT_EQ(r.header("cache-control"), "public, max-age=86400") << f.path;
        EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << f.path;
        EXPECT_FALSE(r.header("etag").empty()) << f.path;
        EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size())) << f.path;
        EXPECT_FALSE(r.body.empty()) << f.path;
    }
    EXPECT_GT(api.anonymous("GET", "/docs/swagger-ui-bundle.js").body.size(), 1'000'000u);

    HttpResponse missing = api.anonymous("GET", "/docs/index.html");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(str_at(json_of(missing), "error.code"), "NOT_FOUND");
    HttpResponse wrong = api.anonymous("POST", "/openapi.json", "{}", "Content-Type: application/json\r\n");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.header("allow"), "GET");
}

TEST(DocsE2E, HeadlessChromiumRendersTheShipmentsOperations) {
    std::string chromium = find_chromium();
    if (chromium.empty()) {
        GTEST_SKIP() << "chromium is not installed (Debian package chromium; scripts/install-deps.sh installs it)";
    }
    ShipdServer& server = default_server();
    TempDir dir("shipd-chromium");
    std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/docs";
    // --no-sandbox: tests run as root, where Chromium's sandbox refuses to start.
    ChildProcess browser({chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-extensions", "--disable-dev-shm-usage",
                          "--user-data-dir=" + (dir.path() / "profile").string(),
                          "--virtual-time-budget=10000", "--dump-dom", url},
                         {{"HOME", dir.path().string()}}, dir.path());
    auto code = browser.wait(120s);
    ASSERT_TRUE(code) << "chromium did not finish within 120 s: " << browser.stderr_text();
    EXPECT_EQ(*code, 0) << browser.stderr_text();
    std::string dom = browser.stdout_text();
    ASSERT_NE(dom.find("id=\"swagger-ui\""), std::string::npos) << "not the /docs page: " << dom.substr(0, 500);
    // Drawn by swagger-ui from the document, not in the served HTML: operation blocks with
    // their paths and the summaries of docs/openapi.json.
    EXPECT_NE(dom.find("opblock-tag-section"), std::string::npos) << "swagger-ui drew no operations:\n" << dom.substr(0, 2000);
    EXPECT_NE(dom.find("data-path=\"/v1/shipments\""), std::string::npos);
    EXPECT_NE(dom.find("data-path=\"/v1/shipments/{id}/buy\""), std::string::npos);
    EXPECT_NE(dom.find("Create a shipment and get its rates"), std::string::npos);
    EXPECT_NE(dom.find("List shipments, newest first"), std::string::npos);
    EXPECT_NE(dom.find("Shipping and tracking backend on PostgreSQL"), std::string::npos) << "info.summary";
    EXPECT_EQ(dom.find("errors-wrapper"), std::string::npos) << "swagger-ui reported errors in the document";
}

}  // namespace
}  // namespace shipd::testing
