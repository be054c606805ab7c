# ablations.gp: rerun with `gnuplot ablations.gp` in this folder.
# Reads ablations.dat; writes ablations.png and ablations.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1300,1150 enhanced font "DejaVu Sans,12" background "white"
    set output "ablations.png"
  } else {
    fontsize = 16
    set terminal svg size 1300,1150 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "ablations.svg"
  }
  set multiplot layout 2,2 title "Ablations around the main setting (t = 11, r = 2, n_true = 4, policy weight 1; mean, band = min..max over seeds)" noenhanced font sprintf(",%g", fontsize * 1.2)
  set style fill transparent solid 0.22 noborder
  set grid back lt 1 lc rgb "#E8E8E8" lw 1
  set border 3 lc rgb "#404040"
  set tics nomirror out
  # panel 1: Rationales r and the reward baseline
  set title "Rationales r and the reward baseline" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "GSM-style zero-shot accuracy (soft, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "ablations.dat" index 0 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "ablations.dat" index 1 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "ablations.dat" index 2 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "ablations.dat" index 3 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "ablations.dat" index 0 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 1 title "r = 1 (advantage 0: no policy gradient)" noenhanced, \
    "ablations.dat" index 1 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#D55E00" dt 1 title "r = 1, no reward baseline" noenhanced, \
    "ablations.dat" index 2 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "main setting (r = 2, n_true = 4, policy weight 1)" noenhanced, \
    "ablations.dat" index 3 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#CC79A7" dt 1 title "r = 4" noenhanced
  # panel 2: Tokens scored ahead n_true
  set title "Tokens scored ahead n_true" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "GSM-style zero-shot accuracy (soft, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "ablations.dat" index 4 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "ablations.dat" index 5 using 1:3:4 with filledcurves lc rgb "#E69F00" notitle, \
    "ablations.dat" index 6 using 1:3:4 with filledcurves lc rgb "#56B4E9" notitle, \
    "ablations.dat" index 4 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "main setting (r = 2, n_true = 4, policy weight 1)" noenhanced, \
    "ablations.dat" index 5 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#E69F00" dt 1 title "n_true = 1" noenhanced, \
    "ablations.dat" index 6 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#56B4E9" dt 1 title "n_true = 2" noenhanced
  # panel 3: Policy-loss weight (r = 2 with the mean baseline)
  set title "Policy-loss weight (r = 2 with the mean baseline)" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "GSM-style zero-shot accuracy (soft, %)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "ablations.dat" index 7 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "ablations.dat" index 8 using 1:3:4 with filledcurves lc rgb "#000000" notitle, \
    "ablations.dat" index 9 using 1:3:4 with filledcurves lc rgb "#F0E442" notitle, \
    "ablations.dat" index 10 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "ablations.dat" index 7 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#009E73" dt 1 title "main setting (r = 2, n_true = 4, policy weight 1)" noenhanced, \
    "ablations.dat" index 8 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#000000" dt 1 title "policy weight 0" noenhanced, \
    "ablations.dat" index 9 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#F0E442" dt 1 title "policy weight 10" noenhanced, \
    "ablations.dat" index 10 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb "#0072B2" dt 1 title "policy weight 100" noenhanced
  # panel 4: Mean REINFORCE reward (trailing moving average)
  set title "Mean REINFORCE reward (trailing moving average)" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "reward (nats: log p_talk - log p_base)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "ablations.dat" index 11 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "ablations.dat" index 12 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "ablations.dat" index 13 using 1:3:4 with filledcurves lc rgb "#000000" notitle, \
    "ablations.dat" index 14 using 1:3:4 with filledcurves lc rgb "#F0E442" notitle, \
    "ablations.dat" index 15 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "ablations.dat" index 11 using 1:2 with lines lw 2 lc rgb "#D55E00" dt 1 title "r = 1, no reward baseline" noenhanced, \
    "ablations.dat" index 12 using 1:2 with lines lw 2 lc rgb "#009E73" dt 1 title "main setting (r = 2, n_true = 4, policy weight 1)" noenhanced, \
    "ablations.dat" index 13 using 1:2 with lines lw 2 lc rgb "#000000" dt 1 title "policy weight 0" noenhanced, \
    "ablations.dat" index 14 using 1:2 with lines lw 2 lc rgb "#F0E442" dt 1 title "policy weight 10" noenhanced, \
    "ablations.dat" index 15 using 1:2 with lines lw 2 lc rgb "#0072B2" dt 1 title "policy weight 100" noenhanced
  unset multiplot
  unset output
}
