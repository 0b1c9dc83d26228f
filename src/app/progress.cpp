// A progress bar for long CLI work.
#include "app/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace shipd::app {

// Redraws at most this often on a terminal: smooth to the eye, cheap for the work.
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

ProgressBar::ProgressBar(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO) != 0) {}

void ProgressBar::update(std::size_t done) {
    done_ = done;
    auto now = std::chrono::steady_clock::now();
    if (tty_) {
        if (now - last_draw_ < kRedrawEvery) return;
        last_draw_ = now;
        draw(false);
        return;
    }
    int tenth = total_ ? static_cast<int>(done_ * 10 / total_) : 10;
    if (tenth != last_tenth_ && done_ < total_) {  // 100 % is finish()'s line
        last_tenth_ = tenth;
        draw(false);
    }
}

void ProgressBar::finish() { draw(true); }

void ProgressBar::draw(bool final) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    int filled = static_cast<int>(fraction * kBarWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kBarWidth - filled), '.');
    double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0;
    std::fprintf(stderr, "%s%s [%s] %3d%% %zu/%zu  %.0f/s  %.1fs%s", tty_ ? "\r" : "", label_.c_str(), bar.c_str(),
                 static_cast<int>(fraction * 100), done_, total_, rate, seconds, (final || !tty_) ? "\n" : "");
    std::fflush(stderr);
}

}  // namespace shipd::app
