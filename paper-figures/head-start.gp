# head-start.gp: rerun with `gnuplot head-start.gp` in this folder.
# Reads head-start.dat; writes head-start.png and head-start.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1300,1150 enhanced font "DejaVu Sans,12" background "white"
    set output "head-start.png"
  } else {
    fontsize = 16
    set terminal svg size 1300,1150 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "head-start.svg"
  }
  set multiplot layout 2,2 title "Quiet-STaR against the no-thought baseline, seed by seed, at two training lengths" noenhanced font sprintf(",%g", fontsize * 1.2)
  set style fill transparent solid 0.22 noborder
  set grid back lt 1 lc rgb "#E8E8E8" lw 1
  set border 3 lc rgb "#404040"
  set tics nomirror out
  # panel 1: thought-length: 400 continued-training steps
  set title "thought-length: 400 continued-training steps" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "GSM-style zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "head-start.dat" index 0 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 1 title "Quiet-STaR t = 11, seed 1" noenhanced, \
    "head-start.dat" index 1 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "Quiet-STaR t = 11, seed 2" noenhanced, \
    "head-start.dat" index 2 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "Quiet-STaR t = 11, seed 3" noenhanced, \
    "head-start.dat" index 3 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 2 title "Baseline, seed 1" noenhanced, \
    "head-start.dat" index 4 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#E69F00" dt 2 title "Baseline, seed 2" noenhanced, \
    "head-start.dat" index 5 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#56B4E9" dt 2 title "Baseline, seed 3" noenhanced
  # panel 2: thought-length-long: 1200 continued-training steps
  set title "thought-length-long: 1200 continued-training steps" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "GSM-style zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "head-start.dat" index 6 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 1 title "Quiet-STaR t = 11, seed 1" noenhanced, \
    "head-start.dat" index 7 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "Quiet-STaR t = 11, seed 2" noenhanced, \
    "head-start.dat" index 8 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "Quiet-STaR t = 11, seed 3" noenhanced, \
    "head-start.dat" index 9 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 2 title "Baseline, seed 1" noenhanced, \
    "head-start.dat" index 10 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#E69F00" dt 2 title "Baseline, seed 2" noenhanced, \
    "head-start.dat" index 11 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#56B4E9" dt 2 title "Baseline, seed 3" noenhanced
  # panel 3: csqa: 200 continued-training steps
  set title "csqa: 200 continued-training steps" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "CSQA-style zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "head-start.dat" index 12 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 1 title "Quiet-STaR t = 11, seed 1" noenhanced, \
    "head-start.dat" index 13 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "Quiet-STaR t = 11, seed 2" noenhanced, \
    "head-start.dat" index 14 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "Quiet-STaR t = 11, seed 3" noenhanced, \
    "head-start.dat" index 15 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 2 title "Baseline, seed 1" noenhanced, \
    "head-start.dat" index 16 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#E69F00" dt 2 title "Baseline, seed 2" noenhanced, \
    "head-start.dat" index 17 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#56B4E9" dt 2 title "Baseline, seed 3" noenhanced
  # panel 4: csqa-long: 400 continued-training steps
  set title "csqa-long: 400 continued-training steps" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "CSQA-style zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "head-start.dat" index 18 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 1 title "Quiet-STaR t = 11, seed 1" noenhanced, \
    "head-start.dat" index 19 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "Quiet-STaR t = 11, seed 2" noenhanced, \
    "head-start.dat" index 20 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "Quiet-STaR t = 11, seed 3" noenhanced, \
    "head-start.dat" index 21 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 2 title "Baseline, seed 1" noenhanced, \
    "head-start.dat" index 22 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#E69F00" dt 2 title "Baseline, seed 2" noenhanced, \
    "head-start.dat" index 23 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#56B4E9" dt 2 title "Baseline, seed 3" noenhanced
  unset multiplot
  unset output
}
