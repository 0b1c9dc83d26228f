// A progress bar for long CLI work, on stderr: redrawn in place on a terminal, a line per
// tenth otherwise (logs and CI keep a readable record).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace shipd::app {

class ProgressBar {
public:
    ProgressBar(std::string label, std::size_t total);
    /// Sets how many units are done and redraws when something visible changed.
    void update(std::size_t done);
    /// Draws 100 % (or where it stopped) with the rate, and ends the line.
    void finish();

private:
    void draw(bool final);
    std::string label_;
    std::size_t total_;
    std::size_t done_ = 0;
    int last_tenth_ = -1;
    bool tty_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace shipd::app
