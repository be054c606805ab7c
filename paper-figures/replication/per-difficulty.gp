# per-difficulty.gp: rerun with `gnuplot per-difficulty.gp` in this folder.
# Reads per-difficulty.dat; writes per-difficulty.png and per-difficulty.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1300,600 enhanced font "DejaVu Sans,12" background "white"
    set output "per-difficulty.png"
  } else {
    fontsize = 16
    set terminal svg size 1300,600 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "per-difficulty.svg"
  }
  set multiplot layout 1,2 title "Accuracy by difficulty: baseline vs Quiet-STaR at each thought length (mean, band = min..max over seeds)" noenhanced font sprintf(",%g", fontsize * 1.2)
  set style fill transparent solid 0.22 noborder
  set grid back lt 1 lc rgb "#E8E8E8" lw 1
  set border 3 lc rgb "#404040"
  set tics nomirror out
  # panel 1: GSM-style (synthetic GSM8K): thought-length
  set title "GSM-style (synthetic GSM8K): thought-length" noenhanced
  set xlabel "difficulty (operations k in the problem)" noenhanced
  set ylabel "final zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics 1
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "per-difficulty.dat" index 0 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "per-difficulty.dat" index 1 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "per-difficulty.dat" index 2 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "per-difficulty.dat" index 3 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "per-difficulty.dat" index 0 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 2 title "Baseline" noenhanced, \
    "per-difficulty.dat" index 1 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "3 thought tokens (paper: 5), 4 ahead" noenhanced, \
    "per-difficulty.dat" index 2 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "7 thought tokens (paper: 9), 4 ahead" noenhanced, \
    "per-difficulty.dat" index 3 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced
  # panel 2: CSQA-style (synthetic CommonsenseQA): csqa
  set title "CSQA-style (synthetic CommonsenseQA): csqa" noenhanced
  set xlabel "difficulty (hop: reasoning hops)" noenhanced
  set ylabel "final zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics 1
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "per-difficulty.dat" index 4 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "per-difficulty.dat" index 5 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "per-difficulty.dat" index 6 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "per-difficulty.dat" index 7 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "per-difficulty.dat" index 4 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 2 title "Baseline" noenhanced, \
    "per-difficulty.dat" index 5 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "3 thought tokens (paper: 5), 4 ahead" noenhanced, \
    "per-difficulty.dat" index 6 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "7 thought tokens (paper: 9), 4 ahead" noenhanced, \
    "per-difficulty.dat" index 7 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced
  unset multiplot
  unset output
}
