// Transaction: BEGIN / COMMIT / ROLLBACK on a lease.
#include "pg/transaction.hpp"

#include <cstring>

namespace shipd::pg {

namespace asio = boost::asio;

asio::awaitable<Transaction> Transaction::begin(Lease lease, TransactionOptions options) {
    std::string sql = "BEGIN ISOLATION LEVEL ";
    switch (options.isolation) {
        case IsolationLevel::kReadCommitted: sql += "READ COMMITTED"; break;
        case IsolationLevel::kRepeatableRead: sql += "REPEATABLE READ"; break;
        case IsolationLevel::kSerializable: sql += "SERIALIZABLE"; break;
    }
    if (options.read_only) sql += " READ ONLY";
    co_await lease->execute_script(sql);
    co_return Transaction(std::move(lease));
}

asio::awaitable<void> Transaction::commit() {
    if (!lease_) throw Error("commit() on a finished transaction");
    auto result = co_await lease_->execute_script("COMMIT");
    // COMMIT of a failed transaction "succeeds" with the tag ROLLBACK.
    bool rolled_back = std::strcmp(PQcmdStatus(const_cast<PGresult*>(result.raw())), "ROLLBACK") == 0;
    lease_.release();
    if (rolled_back) {
        throw ServerError("the transaction was rolled back by the server, not committed",
                          "25P02");
    }
}

asio::awaitable<void> Transaction::rollback() {
    if (!lease_) co_return;
    co_await lease_->execute_script("ROLLBACK");
    lease_.release();
}

}  // namespace shipd::pg
