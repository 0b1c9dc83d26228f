// Importer: NDJSON to shipments in batches.
#include "api/import_pipeline.hpp"

#include "domain/parse.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "store/import_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;

asio::awaitable<void> Importer::feed(std::string_view chunk) {
    splitter_.feed(chunk);
    co_await drain();
}

asio::awaitable<domain::ImportResult> Importer::finish() {
    splitter_.finish();
    co_await drain();
    co_await store_batch();
    co_return std::move(result_);
}

asio::awaitable<void> Importer::drain() {
    while (auto line = splitter_.next()) {
        if (line->too_long) {
            ++result_.rejected;
            result_.errors.push_back({line->number, "BAD_REQUEST", "the line is longer than the limit"});
            continue;
        }
        auto parsed = domain::parse_import_line(line->text);
        if (!parsed) {
            ++result_.rejected;
            result_.errors.push_back({line->number, std::string(parsed.code()), parsed.describe()});
            continue;
        }
        batch_.push_back({line->number, std::move(*parsed.value)});
        if (batch_.size() == kBatch) co_await store_batch();
    }
}

// Stores the batch in one statement; when the database refuses it (a line only it can judge,
// e.g. a duplicate easypost_id), stores the lines one by one so only that line fails.
asio::awaitable<void> Importer::store_batch() {
    if (batch_.empty()) co_return;
    std::vector<domain::Shipment> shipments;
    shipments.reserve(batch_.size());
    for (auto& p : batch_) shipments.push_back(p.shipment);
    // (co_await is not allowed inside a catch block: note the failure, act after it.)
    bool refused = false;
    std::string error;
    try {
        auto ids = co_await store::insert_shipments_batch(pool_, shipments);
        for (size_t i = 0; i < ids.size(); ++i) result_.created.push_back({batch_[i].line, ids[i]});
        result_.accepted += ids.size();
    } catch (const pg::ServerError& e) {
        refused = true;
        error = e.what();
    }
    if (refused && batch_.size() == 1) {
        ++result_.rejected;
        result_.errors.push_back({batch_[0].line, "VALIDATION_ERROR", "the database refused it: " + error});
    } else if (refused) {
        for (auto& p : batch_) {
            std::vector<domain::Shipment> one{p.shipment};
            error.clear();
            try {
                auto ids = co_await store::insert_shipments_batch(pool_, one);
                result_.created.push_back({p.line, ids.at(0)});
                ++result_.accepted;
            } catch (const pg::ServerError& e) {
                error = e.what();
            }
            if (!error.empty()) {
                ++result_.rejected;
                result_.errors.push_back({p.line, "VALIDATION_ERROR", "the database refused it: " + error});
            }
        }
    }
    batch_.clear();
}

}  // namespace shipd::api
