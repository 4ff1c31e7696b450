# Sweep files that used to run with a section silently dropped, or that blew up before the
# first point: each is bad input (exit 2) that names the file, the key and what is allowed.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

# two `grid:` sections: yaml-cpp keeps both and the second replaced the first (2 points, not 4)
file(WRITE "${WORK}/dup.yaml" "platform: default\ngrid:\n  cim.array.rows: [32, 64]\ngrid:\n  cim.sense.bits: [1, 2]\n")
cimvp_run(d sweep dup.yaml)
expect_bad_input(d "dup.yaml:4:1: grid: duplicate key")
expect_not_contains("stdout of a rejected sweep" "${d_out}" "points")

# a key both fixed in `set` and swept is allowed: the swept value wins at each point (the set
# value lets the other keys' values pass the check one by one; test/cli/messages.cmake)
file(WRITE "${WORK}/setgrid.yaml" "set: [cim.array.rows=64]\ngrid:\n  cim.array.rows: [32]\n")
cimvp_run(s sweep setgrid.yaml --slurm --script-only)
expect_rc(s 0)

# 4 lists of 20 values: 20^4 = 160,000 points > 100,000, refused before any point is made
# (200^4 points used to fill memory for minutes)
set(v "")
foreach(i RANGE 1 20)
  string(APPEND v "${i}, ")
endforeach()
string(APPEND v "21")
file(WRITE "${WORK}/huge.yaml" "grid:\n  cim.array.rows: [${v}]\n  cim.array.cols: [${v}]\n  seed: [${v}]\n"
                               "  workload.cim_inference.images: [${v}]\n")
cimvp_run(h sweep huge.yaml)
expect_bad_input(h "huge.yaml: grid: 21 values of cim.array.rows x 21 values of cim.array.cols x 21 values of seed"
                 "more than 100000 points")
# a zip of 3 steps crossed with 2 grid values: 6 points, well within the limit (script only)
file(WRITE "${WORK}/ok.yaml" "grid:\n  cim.array.rows: [32, 64]\nzip:\n  seed: [1, 2, 3]\n")
cimvp_run(o sweep ok.yaml --slurm --script-only)
expect_rc(o 0)
expect_contains("script-only of 6 points" "${o_out}" "6 points in 6 array tasks")

# the output directory is a file
file(WRITE "${WORK}/afile" "")
cimvp_run(f sweep ok.yaml --out afile)
expect_bad_input(f "--out: cannot create 'afile/points'")
