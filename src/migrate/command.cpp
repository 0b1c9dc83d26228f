// `shipd migrate ...` subcommands: parsing, running the Migrator, printing, exit codes.
#include "migrate/command.hpp"

#include <iostream>
#include <memory>

#include "migrate/format.hpp"

namespace shipd::migrate {

namespace {

struct CommandState {
    std::function<std::string()> database_url;
    CommandOptions options;
    int up_to = 0;
    int down_to = 0;
    int down_steps = 1;
    double lock_timeout_s = 600;
    CLI::Option* up_to_opt = nullptr;
    CLI::Option* down_to_opt = nullptr;
    CLI::Option* down_steps_opt = nullptr;

    std::ostream& out() const { return options.out ? *options.out : std::cout; }
    std::ostream& err() const { return options.err ? *options.err : std::cerr; }

    Options migrator_options() const {
        Options o = options.migrator;
        o.lock_wait_timeout = std::chrono::milliseconds(static_cast<long long>(lock_timeout_s * 1000));
        if (options.log) {
            o.log = options.log;
        } else {
            std::ostream* e = &err();
            o.log = [e](LogLevel level, const std::string& line) {
                if (level == LogLevel::kDebug) return;
                *e << (level == LogLevel::kWarning ? "warning: " : "") << line << "\n";
            };
        }
        return o;
    }

    // Runs `body` with a Migrator; maps failures to a printed paragraph and an exit code.
    void run(const std::function<void(Migrator&)>& body) const {
        try {
            Migrator migrator(database_url(), migrator_options());
            body(migrator);
        } catch (const MigrateError& e) {
            err() << "error: " << e.what() << "\n";
            throw CLI::RuntimeError(static_cast<int>(exit_code_for(e.kind())));
        } catch (const CLI::Error&) {
            throw;
        } catch (const std::exception& e) {
            err() << "error: " << e.what() << "\n";
            throw CLI::RuntimeError(static_cast<int>(ExitCode::kFailed));
        }
    }
};

const char* const kExitCodesHelp =
    "Exit codes: 0 done, 1 a revision failed (the message names file, line and recovery), "
    "2 bad --to/--steps, 3 drift, 4 lock wait timed out, 5 database unreachable, "
    "6 database has unknown or out-of-order revisions.";

}  // namespace

ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kConnection: return ExitCode::kUnreachable;
        case ErrorKind::kLockTimeout: return ExitCode::kLockTimeout;
        case ErrorKind::kDrift: return ExitCode::kDrift;
        case ErrorKind::kUnknownRevision: return ExitCode::kInconsistent;
        case ErrorKind::kOutOfOrder: return ExitCode::kInconsistent;
        case ErrorKind::kRevisionFailed: return ExitCode::kFailed;
        case ErrorKind::kInvalidArgument: return ExitCode::kInvalidArgument;
    }
    return ExitCode::kFailed;
}

CLI::App* add_migrate_command(CLI::App& app, std::function<std::string()> database_url, CommandOptions options) {
    auto state = std::make_shared<CommandState>();
    state->database_url = std::move(database_url);
    state->options = std::move(options);

    auto* migrate = app.add_subcommand(
        "migrate",
        "Apply, revert and inspect schema revisions (compiled into this binary from migrations/*.sql). "
        "Up and down hold a PostgreSQL advisory lock, so concurrent deploys apply each revision once.");
    migrate->require_subcommand(1);
    migrate->footer(kExitCodesHelp);

    auto add_lock_timeout = [state](CLI::App* sub) {
        sub->add_option("--lock-timeout", state->lock_timeout_s,
                        "Seconds to wait for another running migration before giving up")
            ->default_val(600)
            ->check(CLI::PositiveNumber);
    };

    auto* up = migrate->add_subcommand("up", "Apply pending revisions, up to head or --to REV");
    state->up_to_opt = up->add_option("--to", state->up_to, "Stop after this revision (a number, e.g. 3)")
                           ->check(CLI::NonNegativeNumber);
    add_lock_timeout(up);
    up->callback([state] {
        state->run([&](Migrator& m) {
            std::optional<int> to;
            if (state->up_to_opt->count() > 0) to = state->up_to;
            state->out() << format_up(m.up(to));
        });
    });

    auto* down = migrate->add_subcommand(
        "down", "Revert applied revisions: one by default, --steps N of them, or down to --to REV (REV stays applied; 0 reverts all)");
    state->down_to_opt = down->add_option("--to", state->down_to, "Revert every revision above this one")
                             ->check(CLI::NonNegativeNumber);
    state->down_steps_opt = down->add_option("--steps", state->down_steps, "Revert this many revisions")
                                ->check(CLI::PositiveNumber);
    state->down_to_opt->excludes(state->down_steps_opt);
    add_lock_timeout(down);
    down->callback([state] {
        state->run([&](Migrator& m) {
            std::optional<int> to;
            std::optional<int> steps;
            if (state->down_to_opt->count() > 0) to = state->down_to;
            if (state->down_steps_opt->count() > 0) steps = state->down_steps;
            state->out() << format_down(m.down(to, steps));
        });
    });

    auto* status = migrate->add_subcommand("status", "Show applied, pending and drifted revisions, current and head");
    status->callback([state] {
        state->run([&](Migrator& m) { state->out() << format_status(m.status(), m.options().command); });
    });

    auto* history = migrate->add_subcommand("history", "List applied revisions with when and how long they took");
    history->callback([state] { state->run([&](Migrator& m) { state->out() << format_history(m.history()); }); });

    auto* verify = migrate->add_subcommand(
        "verify", "Compare the checksums (SHA-256 of each up file) of applied revisions with this binary's; exit 3 on drift");
    verify->callback([state] {
        state->run([&](Migrator& m) {
            const VerifyResult v = m.verify();
            state->out() << format_verify(v);
            if (!v.ok()) throw CLI::RuntimeError(static_cast<int>(ExitCode::kDrift));
        });
    });
    return migrate;
}

}  // namespace shipd::migrate
