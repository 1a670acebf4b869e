// The one sanitiser of text that came from outside dust (node output, Name and other tags, remote
// file names, SFTP and server error strings) on its way to a terminal, a file or JSON (PRODUCT.md
// §10). Pure: no I/O. Control bytes, escape sequences and invalid UTF-8 are shown as `\xNN`
// (`\x1b[8m`,
// `\x07`), so the person sees what was sent and the terminal acts on none of it; the only exception
// is plain SGR colour in node output on its way to a terminal.
#pragma once
#include <string>
#include <string_view>

namespace dust::util {

// A name or a message (a Name tag, a remote file name, an error string): nothing passes. Every C0
// control (tab and newline included: a name is one cell of one line), DEL, C1 control
// (U+0080-U+009F, which terminals act on as ESC [ does) and byte that is not valid UTF-8 becomes
// `\xNN`.
std::string escape_controls(std::string_view s);

// One line of node output for a terminal. Plain SGR colour (`ESC [ … m` whose parameters are all
// colours, bold/dim/italic/underline or their resets, see is_plain_sgr) passes; erase in line (`ESC
// [ K`, `ESC [ 2 K`, which grep and progress bars emit) is dropped, not passed (it could erase the
// `[node]` prefix) nor shown (noise); every other escape sequence
// (cursor moves, titles, OSC 52 clipboard, SGR conceal or blink, private modes) and control byte is
// shown escaped; tab passes. A carriage return keeps what a terminal would show: the text after the
// last one (progress bars).
std::string terminal_line(std::string_view line);

// The same line for a file, a pipe, JSON or a transcript: terminal_line() without any SGR (colour
// never reaches a file) and with every carriage return kept, shown as `\r`, so that text a terminal
// would overwrite is recorded too.
std::string file_line(std::string_view line);

// terminal_line() text without its SGR sequences (stdout is not a terminal, or NO_COLOR): the only
// raw escape bytes terminal_line() leaves are plain SGR, so this drops exactly those.
std::string strip_sgr(std::string_view shown);

// Whether `params` (the bytes between `ESC [` and `m`) is plain colour: ';'-separated numbers in
// {0-4, 22-24, 30-39, 40-49, 90-97, 100-107}, with 38/48 followed by 5;N or 2;R;G;B (each ≤ 255).
// Empty means 0. Anything else (conceal 8, blink 5/6, private `?`, ':' sub-parameters) is not.
bool is_plain_sgr(std::string_view params);

}  // namespace dust::util
