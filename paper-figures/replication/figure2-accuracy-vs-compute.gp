# figure2-accuracy-vs-compute.gp: rerun with `gnuplot figure2-accuracy-vs-compute.gp` in this folder.
# Reads figure2-accuracy-vs-compute.dat; writes figure2-accuracy-vs-compute.png and figure2-accuracy-vs-compute.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1300,640 enhanced font "DejaVu Sans,12" background "white"
    set output "figure2-accuracy-vs-compute.png"
  } else {
    fontsize = 16
    set terminal svg size 1300,640 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "figure2-accuracy-vs-compute.svg"
  }
  set multiplot layout 1,2 title "Final accuracy vs inference compute (mean, band/bars = min..max over seeds)\nthought tokens t = sampled tokens; paper's label = t + 2 (counts the start/end markers)" noenhanced font sprintf(",%g", fontsize * 1.2)
  set style fill transparent solid 0.22 noborder
  set grid back lt 1 lc rgb "#E8E8E8" lw 1
  set border 3 lc rgb "#404040"
  set tics nomirror out
  # panel 1: GSM-style (synthetic GSM8K): thought-length
  set title "GSM-style (synthetic GSM8K): thought-length" noenhanced
  set xlabel "inference forward passes per token (1 + t + 2; baseline 1), log scale" noenhanced
  set ylabel "final zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  set logscale x 2
  set format x "%g"
  set xtics autofreq
  set xrange [0.9:16.099999999999998]
  set autoscale y
  plot "figure2-accuracy-vs-compute.dat" index 0 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "figure2-accuracy-vs-compute.dat" index 1 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "figure2-accuracy-vs-compute.dat" index 0 using 1:2 with lines lw 2 lc rgb "#0072B2" dt 2 title "Baseline (1 pass per token)" noenhanced, \
    "figure2-accuracy-vs-compute.dat" index 1 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "Quiet-STaR, t = 3, 7, 11 (left to right)" noenhanced
  # panel 2: CSQA-style (synthetic CommonsenseQA): csqa
  set title "CSQA-style (synthetic CommonsenseQA): csqa" noenhanced
  set xlabel "inference forward passes per token (1 + t + 2; baseline 1), log scale" noenhanced
  set ylabel "final zero-shot accuracy (soft score, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  set logscale x 2
  set format x "%g"
  set xtics autofreq
  set xrange [0.9:16.099999999999998]
  set autoscale y
  plot "figure2-accuracy-vs-compute.dat" index 2 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "figure2-accuracy-vs-compute.dat" index 3 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "figure2-accuracy-vs-compute.dat" index 2 using 1:2 with lines lw 2 lc rgb "#0072B2" dt 2 title "Baseline (1 pass per token)" noenhanced, \
    "figure2-accuracy-vs-compute.dat" index 3 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "Quiet-STaR, t = 3, 7, 11 (left to right)" noenhanced
  unset multiplot
  unset output
}
