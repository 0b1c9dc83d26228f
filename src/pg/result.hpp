// Result → Row → Field: typed, read-only access to a statement's rows.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>

#include "pg/errors.hpp"
#include "pg/types.hpp"

namespace shipd::pg {

/// One value of a row. Valid while its Result lives.
class Field {
public:
    Field(const PGresult* result, int row, int column) noexcept
        : result_(result), row_(row), column_(column) {}
    bool is_null() const noexcept { return PQgetisnull(result_, row_, column_) != 0; }
    /// The text (nullopt for NULL).
    std::optional<std::string_view> text() const noexcept {
        if (is_null()) return std::nullopt;
        return std::string_view(PQgetvalue(result_, row_, column_),
                                static_cast<size_t>(PQgetlength(result_, row_, column_)));
    }
    std::string_view name() const noexcept { return PQfname(result_, column_); }
    /// Throws ResultError on NULL (unless T is std::optional) or a value that is not a T.
    /// The column's name is only for that message, and looking it up (PQfname, strlen) cost
    /// more than decoding most values: it is looked up when a decode fails, which then runs
    /// again with it to throw the message it would have thrown.
    template <class T>
    T as() const {
        try {
            return decode<T>(text(), {});
        } catch (const ResultError&) {
            return decode<T>(text(), name());
        }
    }

private:
    const PGresult* result_;
    int row_;
    int column_;
};

/// One row of a Result. Valid while its Result lives.
class Row {
public:
    Row(const PGresult* result, int row) noexcept : result_(result), row_(row) {}
    /// Throws ResultError when the column does not exist.
    Field operator[](int column) const;
    /// Throws ResultError when no column has that name.
    Field operator[](std::string_view column) const;
    /// row.get<std::int64_t>("id"); throws ResultError (see Field::as).
    template <class T, class Key>
    T get(Key column) const {
        return (*this)[column].template as<T>();
    }
    /// The first columns as a tuple: auto [id, name] = row.as<std::int64_t, std::string>().
    template <class... T>
    std::tuple<T...> as() const {
        return as_impl<T...>(std::index_sequence_for<T...>{});
    }
    int size() const noexcept { return PQnfields(result_); }

private:
    template <class... T, std::size_t... I>
    std::tuple<T...> as_impl(std::index_sequence<I...>) const {
        return std::tuple<T...>{(*this)[static_cast<int>(I)].template as<T>()...};
    }
    const PGresult* result_;
    int row_;
};

/// The outcome of one statement. Cheap to copy (shared, immutable).
///
/// Rows and Fields point into their Result, so the accessors that hand them out (operator[],
/// one, maybe_one, begin, end) are for an lvalue Result only: on a temporary they are
/// deleted, and `(co_await pool.execute(...)).one()` — a Row outliving its Result — does not
/// compile. Name the Result first (`auto result = co_await ...; auto row = result.one();`).
/// A range-for over a temporary is fine (the range is bound to a reference for the loop), as
/// are scalar() and the size accessors, which hand out no Row.
class Result {
public:
    Result() = default;
    /// Takes ownership of a libpq result.
    explicit Result(PGresult* result) : result_(result, &PQclear) {}

    std::size_t size() const noexcept { return result_ ? PQntuples(result_.get()) : 0; }
    bool empty() const noexcept { return size() == 0; }
    /// Rows inserted / updated / deleted / copied (0 when the statement reports none).
    std::uint64_t rows_affected() const noexcept;
    int columns() const noexcept { return result_ ? PQnfields(result_.get()) : 0; }

    /// Throws ResultError when out of range.
    Row operator[](std::size_t row) const&;
    Row operator[](std::size_t row) const&& = delete;
    /// Exactly one row, else throws ResultError.
    Row one() const&;
    Row one() const&& = delete;
    /// The row when there is exactly one, nullopt when none (the "not found" outcome);
    /// throws ResultError on more than one.
    std::optional<Row> maybe_one() const&;
    std::optional<Row> maybe_one() const&& = delete;
    /// The single value of a one-row, one-column result; throws ResultError otherwise.
    /// (Callable on a temporary: the value is decoded before the Result goes.)
    template <class T>
    T scalar() const {
        return one()[0].template as<T>();  // *this is an lvalue here
    }

    class Iterator {
    public:
        Iterator(const PGresult* r, int i) : result_(r), row_(i) {}
        Row operator*() const { return Row(result_, row_); }
        Iterator& operator++() {
            ++row_;
            return *this;
        }
        bool operator==(const Iterator& o) const { return row_ == o.row_; }

    private:
        const PGresult* result_;
        int row_;
    };
    Iterator begin() const& { return Iterator(result_.get(), 0); }
    Iterator begin() const&& = delete;
    Iterator end() const& { return Iterator(result_.get(), static_cast<int>(size())); }
    Iterator end() const&& = delete;

    const PGresult* raw() const noexcept { return result_.get(); }

private:
    std::shared_ptr<PGresult> result_;
};

}  // namespace shipd::pg
