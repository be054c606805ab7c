# figure5-cot-majority.gp: rerun with `gnuplot figure5-cot-majority.gp` in this folder.
# Reads figure5-cot-majority.dat; writes figure5-cot-majority.png and figure5-cot-majority.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 900,640 enhanced font "DejaVu Sans,12" background "white"
    set output "figure5-cot-majority.png"
  } else {
    fontsize = 16
    set terminal svg size 900,640 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "figure5-cot-majority.svg"
  }
  set multiplot layout 1,1
  set style fill transparent solid 0.22 noborder
  set grid back lt 1 lc rgb "#E8E8E8" lw 1
  set border 3 lc rgb "#404040"
  set tics nomirror out
  # panel 1: Figure 5: CoT maj@k, GSM-style (mean; band: min..max over seeds) items: the GSM evaluation sets, sentences in random order in 50% of problems
  set title "Figure 5: CoT maj@k, GSM-style (mean; band: min..max over seeds)\nitems: the GSM evaluation sets, sentences in random order in 50% of problems" noenhanced
  set xlabel "k (sampled chains of thought voting)" noenhanced
  set ylabel "maj@k accuracy (%)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics 1
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "figure5-cot-majority.dat" index 0 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "figure5-cot-majority.dat" index 1 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "figure5-cot-majority.dat" index 2 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "figure5-cot-majority.dat" index 0 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 2 title "Baseline model" noenhanced, \
    "figure5-cot-majority.dat" index 1 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced, \
    "figure5-cot-majority.dat" index 2 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 2 title "11 thought tokens (paper: 13), 4 ahead: thoughts off" noenhanced
  unset multiplot
  unset output
}
