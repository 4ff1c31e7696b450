// libsystemc references sc_main; the fuzz harnesses and the replay driver have their own
// main (libFuzzer's or replay_main.cpp) and drive the kernel with sc_start directly.
extern "C" int sc_main(int, char*[]) { return 0; }
