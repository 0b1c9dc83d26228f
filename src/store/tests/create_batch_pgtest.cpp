// Creates in one statement (create_shipments) and the CreateBatcher that groups concurrent
// creates: all or nothing per statement, answers equal to what a read gives back, and a
// refused shipment in a batch failing alone while the others are stored once.
#include <set>

#include "pg/errors.hpp"
#include "store/create_batcher.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"

namespace shipd::store {
namespace {

using namespace testing;

class CreateBatchTest : public StoreTest {
protected:
    /// "addresses/parcels/shipments" rows.
    std::string counts() {
        return sql_value("SELECT (SELECT count(*) FROM addresses) || '/' || (SELECT count(*) FROM parcels) || '/' ||"
                         " (SELECT count(*) FROM shipments)");
    }
};

// The answer is built from what was sent, not read back: every field must equal a read.
TEST_F(CreateBatchTest, SeveralInOneStatementComeBackAsStored) {
    std::vector<domain::Shipment> in;
    for (int i = 0; i < 5; ++i) {
        std::string tag = "batch ";
        tag += std::to_string(i);
        in.push_back(sample_shipment(tag));
    }
    in[1].parcel = std::nullopt;  // no parcel: no parcels row, parcel_id NULL
    in[2].rates.clear();
    in[3].parcel->length = 0.1;   // floats that do not print short in decimal
    in[3].parcel->weight = 1.0 / 3;
    in[3].parcel->predefined_package = "FlatRateEnvelope";
    in[4].from_address.name = "quote \" backslash \\ brace { comma , NULL ü 日本";
    in[4].to_address.street2 = "";
    in[4].easypost_id = "shp_batch";
    in[4].rates[0].rate = "1234.50";
    std::vector<const domain::Shipment*> ptrs;
    for (const auto& s : in) ptrs.push_back(&s);
    auto created = run(create_shipments(*pool_, ptrs));
    ASSERT_EQ(created.size(), in.size());
    std::set<std::string> ids;
    for (std::size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(created[i].reference, in[i].reference);  // in the order given
        ids.insert(created[i].id);
        auto got = run(get_shipment(*pool_, created[i].id));
        ASSERT_TRUE(got) << i;
        expect_identical(created[i], *got);
    }
    EXPECT_EQ(ids.size(), in.size());
    EXPECT_EQ(counts(), "10/4/5");
}

TEST_F(CreateBatchTest, ARefusedRowInTheMiddleStoresNothing) {
    // The second shipment's parcel breaks a CHECK (parcels are inserted after every address).
    std::vector<domain::Shipment> in{sample_shipment("x"), sample_shipment("y"), sample_shipment("z")};
    in[1].parcel->weight = 0;
    std::vector<const domain::Shipment*> ptrs{&in[0], &in[1], &in[2]};
    EXPECT_THROW(run(create_shipments(*pool_, ptrs)), pg::IntegrityConstraintViolation);
    EXPECT_EQ(counts(), "0/0/0");
    // The last shipment's reference is too long for its column: the shipments insert, the
    // last of the statement, fails after the addresses and parcels went in; none stays.
    in[1].parcel->weight = 3;
    in[2].reference = std::string(101, 'r');
    EXPECT_THROW(run(create_shipments(*pool_, ptrs)), pg::DataException);
    EXPECT_EQ(counts(), "0/0/0");
}

struct Outcome {
    std::optional<domain::Shipment> stored;
    std::string error;
};

asio::awaitable<Outcome> attempt(CreateBatcher& batcher, pg::Pool& pool, domain::Shipment shipment) {
    Outcome out;
    try {
        out.stored = co_await batcher.create(pool, shipment);
    } catch (const pg::IntegrityConstraintViolation& e) {
        out.error = "integrity: ";
        out.error += e.what();
    } catch (const std::exception& e) {
        out.error = "other: ";
        out.error += e.what();
    }
    co_return out;
}

TEST_F(CreateBatchTest, BatcherGroupsConcurrentCreatesAndARefusedOneFailsAlone) {
    CreateBatcher batcher({16, 1});
    constexpr int kCreates = 40;  // counts below: 39 stored, 2 addresses and a parcel each
    constexpr int kBad = 17;
    std::vector<asio::awaitable<Outcome>> tasks;
    for (int i = 0; i < kCreates; ++i) {
        std::string tag = "c";
        tag += std::to_string(i);
        auto s = sample_shipment(tag);
        if (i == kBad) s.parcel->weight = -1;
        tasks.push_back(attempt(batcher, *pool_, std::move(s)));
    }
    auto outcomes = run_all(std::move(tasks));
    std::set<std::string> ids;
    for (int i = 0; i < kCreates; ++i) {
        const auto& o = outcomes[static_cast<std::size_t>(i)];
        if (i == kBad) {
            EXPECT_FALSE(o.stored);
            EXPECT_EQ(o.error.rfind("integrity: ", 0), 0u) << o.error;
            continue;
        }
        ASSERT_TRUE(o.stored) << i << ": " << o.error;
        std::string reference = "ref-c";
        reference += std::to_string(i);
        EXPECT_EQ(o.stored->reference, reference);
        ids.insert(o.stored->id);
        auto got = run(get_shipment(*pool_, o.stored->id));
        ASSERT_TRUE(got);
        expect_identical(*o.stored, *got);
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCreates - 1));
    // Every good create stored once, nothing of the refused one (no orphan address).
    EXPECT_EQ(counts(), "78/39/39");
    // One statement in flight: the first create went alone, the rest queued behind it and
    // left in batches of at most 16 (plus the one-by-one retry of the refused batch).
    EXPECT_GT(batcher.largest_batch(), 1u);
    EXPECT_LE(batcher.largest_batch(), 16u);
    EXPECT_LT(batcher.statements(), static_cast<std::size_t>(kCreates));
}

TEST_F(CreateBatchTest, BatcherAloneSendsAtOnce) {
    CreateBatcher batcher({64, 2});
    auto s = sample_shipment("alone");
    auto stored = run(batcher.create(*pool_, s));
    EXPECT_EQ(batcher.statements(), 1u);
    EXPECT_EQ(batcher.largest_batch(), 1u);
    auto got = run(get_shipment(*pool_, stored.id));
    ASSERT_TRUE(got);
    expect_identical(stored, *got);
}

}  // namespace
}  // namespace shipd::store
