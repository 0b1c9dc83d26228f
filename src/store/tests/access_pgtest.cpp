// API keys, idempotency keys and webhook receipts against live PostgreSQL, including
// concurrent begins of one idempotency key.
#include "store/api_keys_store.hpp"
#include "store/events_store.hpp"
#include "store/idempotency_store.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"
#include "store/webhooks_store.hpp"

namespace shipd::store {
namespace {

using namespace testing;
using domain::Status;

std::string hash_of(char c) { return std::string(31, c) + '\0'; }

using KeysTest = StoreTest;

TEST_F(KeysTest, CreateListFindRevoke) {
    auto admin = run(create_key(*pool_, "ops 📦 'admin'", true, hash_of('a'), "sk_aaaa"));
    auto user = run(create_key(*pool_, "user", false, hash_of('b'), "sk_bbbb"));
    EXPECT_FALSE(admin.id.empty());
    EXPECT_EQ(admin.name, "ops 📦 'admin'");
    EXPECT_TRUE(admin.is_admin);
    EXPECT_TRUE(is_rfc3339_utc(admin.created_at));
    EXPECT_FALSE(admin.revoked_at);
    EXPECT_FALSE(admin.last_used_at);
    EXPECT_THROW(run(create_key(*pool_, "dup", false, hash_of('a'), "sk_x")), pg::UniqueViolation);
    EXPECT_THROW(run(create_key(*pool_, "short", false, "abc", "sk_x")),
                 pg::IntegrityConstraintViolation);

    auto keys = run(list_keys(*pool_));
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].id, admin.id);
    EXPECT_EQ(keys[1].key_prefix, "sk_bbbb");

    auto found = run(find_key_by_hash(*pool_, hash_of('b')));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, user.id);
    EXPECT_EQ(found->name, "user");
    EXPECT_FALSE(found->is_admin);
    EXPECT_FALSE(found->revoked);
    EXPECT_FALSE(run(find_key_by_hash(*pool_, hash_of('z'))));

    EXPECT_EQ(run(revoke_key(*pool_, "sk_bbbb")), RevokeOutcome::kRevoked);
    EXPECT_EQ(run(revoke_key(*pool_, user.id)), RevokeOutcome::kAlreadyRevoked);
    EXPECT_EQ(run(revoke_key(*pool_, "sk_nope")), RevokeOutcome::kNotFound);
    EXPECT_TRUE(run(find_key_by_hash(*pool_, hash_of('b')))->revoked);
    EXPECT_FALSE(run(find_key_by_hash(*pool_, hash_of('a')))->revoked);

    run(create_key(*pool_, "twin", false, hash_of('c'), "sk_same"));
    run(create_key(*pool_, "twin", false, hash_of('d'), "sk_same"));
    EXPECT_EQ(run(revoke_key(*pool_, "sk_same")), RevokeOutcome::kAmbiguous);
    EXPECT_EQ(sql_value("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), "1");
}

TEST_F(KeysTest, LastUsedIsTouchedAtMostOnceAMinute) {
    auto key = run(create_key(*pool_, "k", false, hash_of('a'), "sk_a"));
    run(find_key_by_hash(*pool_, hash_of('a')));
    auto first = sql_value("SELECT last_used_at FROM api_keys");
    EXPECT_NE(first, "<null>");
    run(find_key_by_hash(*pool_, hash_of('a')));
    EXPECT_EQ(sql_value("SELECT last_used_at FROM api_keys"), first);
    sql("UPDATE api_keys SET last_used_at = now() - interval '61 seconds'");
    run(find_key_by_hash(*pool_, hash_of('a')));
    EXPECT_EQ(sql_value("SELECT last_used_at > now() - interval '5 seconds' FROM api_keys"), "t");
    EXPECT_TRUE(run(list_keys(*pool_))[0].last_used_at);
    (void)key;
}

class IdempotencyTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        key_id_ = run(create_key(*pool_, "k", false, hash_of('k'), "sk_k")).id;
        other_key_id_ = run(create_key(*pool_, "o", false, hash_of('o'), "sk_o")).id;
    }
    std::string key_id_;
    std::string other_key_id_;
};

TEST_F(IdempotencyTest, NewInProgressReplayMismatchAbandon) {
    auto h1 = hash_of('1');
    auto h2 = hash_of('2');
    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "idem-1", h1)).outcome, BeginOutcome::kNew);
    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "idem-1", h1)).outcome, BeginOutcome::kInProgress);
    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "idem-1", h2)).outcome, BeginOutcome::kMismatch);
    // Scoped to the API key: another key's same Idempotency-Key is independent.
    EXPECT_EQ(run(begin_idempotent(*pool_, other_key_id_, "idem-1", h2)).outcome, BeginOutcome::kNew);

    std::string body = "{\"id\":\"x\",\"name\":\"📦 '; --\"}\n";
    EXPECT_TRUE(run(complete_idempotent(*pool_, key_id_, "idem-1", 201, body)));
    EXPECT_FALSE(run(complete_idempotent(*pool_, key_id_, "idem-1", 500, "again")));
    auto replay = run(begin_idempotent(*pool_, key_id_, "idem-1", h1));
    EXPECT_EQ(replay.outcome, BeginOutcome::kReplay);
    EXPECT_EQ(replay.status, 201);
    EXPECT_EQ(replay.body, body);
    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "idem-1", h2)).outcome, BeginOutcome::kMismatch);
    EXPECT_FALSE(run(abandon_idempotent(*pool_, key_id_, "idem-1")));  // completed: kept

    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "idem-2", h1)).outcome, BeginOutcome::kNew);
    EXPECT_TRUE(run(abandon_idempotent(*pool_, key_id_, "idem-2")));
    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "idem-2", h2)).outcome, BeginOutcome::kNew);
}

TEST_F(IdempotencyTest, ExpiredKeysAreNewAgainAndPurged) {
    auto h1 = hash_of('1');
    run(begin_idempotent(*pool_, key_id_, "old", h1));
    run(complete_idempotent(*pool_, key_id_, "old", 201, "{}"));
    run(begin_idempotent(*pool_, key_id_, "stale", h1));
    sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours', "
        "expires_at = now() - interval '1 hour'");
    EXPECT_EQ(run(begin_idempotent(*pool_, key_id_, "old", hash_of('2'))).outcome, BeginOutcome::kNew);
    EXPECT_EQ(run(purge_expired_idempotency_keys(*pool_)), 1u);  // "stale"
    EXPECT_EQ(sql_value("SELECT key FROM idempotency_keys"), "old");
}

TEST_F(IdempotencyTest, ConcurrentBeginsOfOneKeyMakeExactlyOneNew) {
    for (int round = 0; round < 5; ++round) {
        std::string key = "race-" + std::to_string(round);
        const std::string hash = hash_of('r');  // outlives the coroutines that refer to it
        std::vector<asio::awaitable<BeginResult>> tasks;
        for (int i = 0; i < 16; ++i) tasks.push_back(begin_idempotent(*pool_, key_id_, key, hash));
        auto results = run_all(std::move(tasks));
        int fresh = 0;
        for (auto& r : results) {
            if (r.outcome == BeginOutcome::kNew) {
                ++fresh;
            } else {
                EXPECT_EQ(r.outcome, BeginOutcome::kInProgress);
            }
        }
        EXPECT_EQ(fresh, 1) << key;
    }
}

using WebhooksTest = StoreTest;

TEST_F(WebhooksTest, TrackerUpdateAppendsEventsOnceAndRecordsEveryReceipt) {
    auto s = run(create_shipment(*pool_, sample_shipment("w")));
    Purchase p;
    p.rate = sample_rate("rate_1");
    p.tracking_code = "EZ100";
    run(buy(*pool_, s.id, p));

    TrackerUpdate t;
    t.tracking_code = "EZ100";
    t.events = {event(Status::kInTransit, "2030-01-01T10:00:00Z", "Arrived"),
                event(Status::kOutForDelivery, "2030-01-02T07:00:00Z", "Out")};
    WebhookReceipt r{"evt_1", "tracker.updated", R"({"id":"evt_1","description":"tracker.updated"})"};
    EXPECT_EQ(run(apply_webhook(*pool_, r, t)), WebhookOutcome::kApplied);
    EXPECT_EQ(run(apply_webhook(*pool_, r, t)), WebhookOutcome::kDuplicate);
    auto events = run(list_events(*pool_, s.id));
    ASSERT_EQ(events->size(), 3u);  // pre_transit from the purchase + 2
    EXPECT_EQ(events->at(2).source, "webhook");
    EXPECT_EQ(run(get_shipment(*pool_, s.id))->status, Status::kOutForDelivery);
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events WHERE webhook_event_id = 'evt_1'"), "2");

    // The same tracking details in a later event: receipt stored, events absorbed as repeats.
    r.event_id = "evt_2";
    EXPECT_EQ(run(apply_webhook(*pool_, r, t)), WebhookOutcome::kApplied);
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events"), "3");

    r.event_id = "evt_3";
    t.tracking_code = "UNKNOWN";
    EXPECT_EQ(run(apply_webhook(*pool_, r, t)), WebhookOutcome::kUnknownTrackingCode);
    r.event_id = "evt_4";
    r.event_type = "batch.created";
    EXPECT_EQ(run(apply_webhook(*pool_, r, std::nullopt)), WebhookOutcome::kIgnored);
    EXPECT_EQ(sql("SELECT event_id || ':' || outcome FROM webhook_receipts ORDER BY event_id"),
              (std::vector<std::string>{"evt_1:applied", "evt_2:applied",
                                        "evt_3:unknown_tracking_code", "evt_4:ignored_type"}));
    EXPECT_EQ(sql_value("SELECT count(*) FROM shipment_events"), "3");
}

TEST_F(WebhooksTest, RecordReceiptAndSetOutcome) {
    WebhookReceipt r{"evt_9", "tracker.updated", "{\"a\": \"📦\"}"};
    EXPECT_TRUE(run(record_receipt(*pool_, r, "received")));
    EXPECT_FALSE(run(record_receipt(*pool_, r, "received")));
    EXPECT_TRUE(run(set_receipt_outcome(*pool_, "evt_9", "failed")));
    EXPECT_FALSE(run(set_receipt_outcome(*pool_, "evt_nope", "failed")));
    EXPECT_EQ(sql_value("SELECT outcome || ' ' || (payload->>'a') FROM webhook_receipts"), "failed 📦");
}

}  // namespace
}  // namespace shipd::store
