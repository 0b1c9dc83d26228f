// The API's documentation, served from the files compiled into the binary.
#include "api/docs.hpp"

#include "api/api_error.hpp"
#include "apidocs/assets.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

// True when If-None-Match ("*" or a list of tags, weak ones compared weakly) names `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        size_t comma = if_none_match.find(',');
        std::string_view tag = if_none_match.substr(0, comma);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
        if (comma == std::string_view::npos) break;
        if_none_match.remove_prefix(comma + 1);
    }
    return false;
}

Response serve(const RequestContext& ctx, const apidocs::Asset& asset) {
    bool fresh = etag_matches(ctx.request[http::bhttp::field::if_none_match], asset.etag);
    Response res{fresh ? Status::not_modified : Status::ok, 11};
    res.set(http::bhttp::field::etag, asset.etag);
    res.set(http::bhttp::field::cache_control, asset.cache_control);
    res.set("X-Content-Type-Options", "nosniff");
    if (!fresh) {
        res.set(http::bhttp::field::content_type, asset.content_type);
        res.body().assign(asset.body);
        res.prepare_payload();
    }
    return res;
}

}  // namespace

void add_docs_routes(http::Router& router) {
    router.add(http::Verb::get, "/openapi.json", [](RequestContext& ctx) -> asio::awaitable<Response> {
        co_return serve(ctx, apidocs::openapi_document());
    });
    router.add(http::Verb::get, "/docs", [](RequestContext& ctx) -> asio::awaitable<Response> {
        co_return serve(ctx, apidocs::docs_page());
    });
    router.add(http::Verb::get, "/docs/{file}", [](RequestContext& ctx) -> asio::awaitable<Response> {
        const apidocs::Asset* asset = apidocs::docs_file(ctx.param("file"));
        if (!asset) throw not_found("file " + std::string(ctx.param("file")) + " under /docs");
        co_return serve(ctx, *asset);
    });
}

}  // namespace shipd::api
