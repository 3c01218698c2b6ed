// Test support for the HTML report: load a page in headless Chromium (fresh profile, no sandbox), collect its
// console messages and its DOM after load, take a screenshot, and tell whether a PNG shows anything.
#pragma once

#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace llmroute::test {

/// What Chromium made of one page.
struct ChromiumRun {
  int exit_code = -1;
  std::string output;                 ///< stdout: the DOM for --dump-dom
  std::vector<std::string> console;   ///< every console message the page produced (errors, warnings, logs)
  std::string log;                    ///< the whole of stderr, for failure messages
};

/// Runs `chromium --headless --no-sandbox --user-data-dir=<fresh dir> --enable-logging=stderr --v=0 <args> <url>`
/// with a one-minute deadline. Chromium logs each console message as a line containing ":CONSOLE".
inline ChromiumRun run_chromium(const std::vector<std::string>& args, const std::string& url) {
  TempDir dir;
  ChildProcessOptions options;
  options.program = "/usr/bin/chromium";
  options.args = {"--headless", "--no-sandbox", "--user-data-dir=" + (dir / "profile").string(),
                  "--enable-logging=stderr", "--v=0", "--disable-gpu", "--no-first-run", "--hide-scrollbars"};
  options.args.insert(options.args.end(), args.begin(), args.end());
  options.args.push_back(url);
  options.stdout_path = dir / "stdout";
  options.stderr_path = dir / "stderr";
  ChildProcess chromium(options);
  ChromiumRun run;
  const auto exit_code = chromium.wait_for_exit(std::chrono::seconds(60));
  if (!exit_code) throw std::runtime_error("chromium did not finish within a minute");
  run.exit_code = *exit_code;
  run.output = read_text_file(dir / "stdout");
  run.log = read_text_file(dir / "stderr");
  std::istringstream lines(run.log);
  for (std::string line; std::getline(lines, line);)
    if (line.find(":CONSOLE") != std::string::npos) run.console.push_back(line);
  return run;
}

/// Counts the elements with class "mark" inside each `<svg data-chart="ID">` of a serialised DOM.
inline std::map<std::string, int> count_marks(const std::string& dom) {
  std::map<std::string, int> marks;
  const std::string open = "<svg data-chart=\"";
  for (std::size_t at = dom.find(open); at != std::string::npos; at = dom.find(open, at + 1)) {
    const std::size_t id_start = at + open.size();
    const std::string id = dom.substr(id_start, dom.find('"', id_start) - id_start);
    const std::size_t end = dom.find("</svg>", id_start);
    int& n = marks[id];
    for (std::size_t m = dom.find("class=\"mark\"", id_start); m != std::string::npos && m < end;
         m = dom.find("class=\"mark\"", m + 1))
      ++n;
  }
  return marks;
}

/// How much of a screenshot differs from its top-left pixel (the page background).
struct PngSummary {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  double non_background = 0;  ///< share of pixels unlike the background
  std::size_t colours = 0;    ///< distinct colours (capped at 4096)
};

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). Throws on anything else.
inline PngSummary summarise_png(const std::filesystem::path& path) {
  const std::string file = read_text_file(path);
  const auto u8 = [&file](std::size_t i) { return static_cast<std::uint8_t>(file.at(i)); };
  const auto u32 = [&u8](std::size_t i) {
    return static_cast<std::uint32_t>(u8(i)) << 24 | static_cast<std::uint32_t>(u8(i + 1)) << 16 |
           static_cast<std::uint32_t>(u8(i + 2)) << 8 | u8(i + 3);
  };
  if (file.size() < 8 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) throw std::runtime_error("not a PNG");
  PngSummary summary;
  std::size_t channels = 0;
  std::string compressed;
  for (std::size_t at = 8; at + 8 <= file.size();) {
    const std::uint32_t length = u32(at);
    const std::string type = file.substr(at + 4, 4);
    if (type == "IHDR") {
      summary.width = u32(at + 8);
      summary.height = u32(at + 12);
      if (u8(at + 16) != 8 || u8(at + 20) != 0) throw std::runtime_error("PNG is not 8-bit non-interlaced");
      channels = u8(at + 17) == 6 ? 4 : u8(at + 17) == 2 ? 3 : 0;
      if (channels == 0) throw std::runtime_error("PNG is neither RGB nor RGBA");
    } else if (type == "IDAT") {
      compressed += file.substr(at + 8, length);
    }
    at += 12 + length;
  }
  const std::size_t stride = summary.width * channels;
  std::vector<std::uint8_t> raw(summary.height * (stride + 1));
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK ||
      raw_size != raw.size())
    throw std::runtime_error("PNG data does not inflate");
  // Undo the per-row filters (PNG spec, section 9) in place.
  std::vector<std::uint8_t> pixels(summary.height * stride);
  for (std::size_t y = 0; y < summary.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* in = &raw[y * (stride + 1) + 1];
    std::uint8_t* out = &pixels[y * stride];
    const std::uint8_t* up = y > 0 ? &pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= channels ? out[x - channels] : 0;
      const int b = up ? up[x] : 0;
      const int c = up && x >= channels ? up[x - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw std::runtime_error("PNG row filter out of range");
      }
      out[x] = static_cast<std::uint8_t>(in[x] + predicted);
    }
  }
  std::size_t different = 0;
  std::set<std::uint32_t> colours;
  for (std::size_t i = 0; i < pixels.size(); i += channels) {
    const std::uint32_t colour = static_cast<std::uint32_t>(pixels[i]) << 16 | pixels[i + 1] << 8 | pixels[i + 2];
    const std::uint32_t background = static_cast<std::uint32_t>(pixels[0]) << 16 | pixels[1] << 8 | pixels[2];
    if (colour != background) ++different;
    if (colours.size() < 4096) colours.insert(colour);
  }
  summary.non_background = pixels.empty() ? 0 : static_cast<double>(different) / static_cast<double>(pixels.size() / channels);
  summary.colours = colours.size();
  return summary;
}

}  // namespace llmroute::test
