// GetBatcher: the gets of one loop tick read in one statement (get_shipments), each answered
// exactly as get_shipment answers it alone: the shipment, nullopt, or its own error.
#include <set>

#include "pg/errors.hpp"
#include "store/get_batcher.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store {
namespace {

using namespace testing;

struct Answer {
    std::optional<domain::Shipment> shipment;
    std::string error;  ///< "result: ..." for pg::ResultError, "other: ..." for anything else
};

asio::awaitable<Answer> ask(GetBatcher& batcher, pg::Pool& pool, std::string id) {
    Answer out;
    try {
        out.shipment = co_await batcher.get(pool, id);
    } catch (const pg::ResultError& e) {
        out.error = "result: ";
        out.error += e.what();
    } catch (const std::exception& e) {
        out.error = "other: ";
        out.error += e.what();
    }
    co_return out;
}

class GetBatchTest : public StoreTest {
protected:
    std::vector<domain::Shipment> stored(int n) {
        std::vector<domain::Shipment> out;
        for (int i = 0; i < n; ++i) {
            std::string tag = "get ";
            tag += std::to_string(i);
            out.push_back(run(create_shipment(*pool_, sample_shipment(tag))));
        }
        return out;
    }
};

constexpr const char* kMissing = "018f0000-0000-7000-8000-000000000000";

TEST_F(GetBatchTest, OneTicksGetsShareAStatementAndEachGetsItsOwnAnswer) {
    auto shipments = stored(6);
    domain::Shipment no_parcel = sample_shipment("no parcel");
    no_parcel.parcel.reset();
    auto without_parcel = run(create_shipment(*pool_, no_parcel));
    GetBatcher batcher({64});
    // 6 stored, one asked twice, one that does not exist, one stored without a parcel.
    std::vector<std::string> ids;
    for (const auto& s : shipments) ids.push_back(s.id);
    ids.push_back(shipments[3].id);
    ids.push_back(kMissing);
    ids.push_back(without_parcel.id);
    std::vector<asio::awaitable<Answer>> tasks;
    for (const auto& id : ids) tasks.push_back(ask(batcher, *pool_, id));
    auto answers = run_all(std::move(tasks));
    EXPECT_EQ(batcher.statements(), 1u);
    EXPECT_EQ(batcher.largest_batch(), ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& a = answers[i];
        EXPECT_EQ(a.error, "") << i;
        if (ids[i] == kMissing) {
            EXPECT_FALSE(a.shipment) << i;
            continue;
        }
        ASSERT_TRUE(a.shipment) << i;
        // Field for field what a lone get_shipment reads.
        auto alone = run(get_shipment(*pool_, ids[i]));
        ASSERT_TRUE(alone);
        expect_identical(*alone, *a.shipment);
    }
    EXPECT_FALSE(answers.back().shipment->parcel);
}

TEST_F(GetBatchTest, BatchesAreCutAtTheirMaximum) {
    auto shipments = stored(10);
    GetBatcher batcher({4});
    std::vector<asio::awaitable<Answer>> tasks;
    for (const auto& s : shipments) tasks.push_back(ask(batcher, *pool_, s.id));
    auto answers = run_all(std::move(tasks));
    EXPECT_EQ(batcher.statements(), 3u);  // 4 + 4 + 2
    EXPECT_EQ(batcher.largest_batch(), 4u);
    for (std::size_t i = 0; i < shipments.size(); ++i) {
        ASSERT_TRUE(answers[i].shipment) << i << answers[i].error;
        EXPECT_EQ(answers[i].shipment->id, shipments[i].id);
    }
}

TEST_F(GetBatchTest, ALoneGetAndGetsOfLaterTicksLeaveOnTheirOwn) {
    auto shipments = stored(2);
    GetBatcher batcher({64});
    auto a = run(ask(batcher, *pool_, shipments[0].id));
    auto b = run(ask(batcher, *pool_, shipments[1].id));
    auto c = run(ask(batcher, *pool_, kMissing));
    EXPECT_EQ(batcher.statements(), 3u);
    EXPECT_EQ(batcher.largest_batch(), 1u);
    ASSERT_TRUE(a.shipment && b.shipment);
    EXPECT_EQ(a.shipment->id, shipments[0].id);
    EXPECT_EQ(b.shipment->id, shipments[1].id);
    EXPECT_FALSE(c.shipment);
    EXPECT_EQ(c.error, "");
}

TEST_F(GetBatchTest, ARowTheDecoderRefusesFailsOnlyItsOwnGet) {
    auto shipments = stored(5);
    sql("UPDATE shipments SET rates = '[{\"id\": 5}]' WHERE id = '" + shipments[2].id + "'");
    GetBatcher batcher({64});
    std::vector<asio::awaitable<Answer>> tasks;
    for (const auto& s : shipments) tasks.push_back(ask(batcher, *pool_, s.id));
    auto answers = run_all(std::move(tasks));
    EXPECT_EQ(batcher.statements(), 1u);
    for (std::size_t i = 0; i < shipments.size(); ++i) {
        if (i == 2) {
            EXPECT_FALSE(answers[i].shipment);
            EXPECT_NE(answers[i].error.find("result: stored rate is malformed"), std::string::npos) << answers[i].error;
        } else {
            ASSERT_TRUE(answers[i].shipment) << i << answers[i].error;
            EXPECT_EQ(answers[i].shipment->id, shipments[i].id);
        }
    }
}

TEST_F(GetBatchTest, AFailedStatementFailsEveryGetOfTheBatch) {
    auto shipments = stored(3);
    GetBatcher batcher({64});
    pool_->close();  // what a lost database does to every statement: none can run
    std::vector<asio::awaitable<Answer>> tasks;
    for (const auto& s : shipments) tasks.push_back(ask(batcher, *pool_, s.id));
    auto answers = run_all(std::move(tasks));
    EXPECT_EQ(batcher.statements(), 1u);
    for (const auto& a : answers) {
        EXPECT_FALSE(a.shipment);
        EXPECT_EQ(a.error.rfind("other: ", 0), 0u) << a.error;
    }
}

}  // namespace
}  // namespace shipd::store
