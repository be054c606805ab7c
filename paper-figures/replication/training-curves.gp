# training-curves.gp: rerun with `gnuplot training-curves.gp` in this folder.
# Reads training-curves.dat; writes training-curves.png and training-curves.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1300,1150 enhanced font "DejaVu Sans,12" background "white"
    set output "training-curves.png"
  } else {
    fontsize = 16
    set terminal svg size 1300,1150 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "training-curves.svg"
  }
  set multiplot layout 2,2 title "Training curves (thought-length; trailing moving average over up to 16 steps; mean, band = min..max over seeds)\nthought tokens t = sampled tokens; paper's label = t + 2 (counts the start/end markers)" noenhanced font sprintf(",%g", fontsize * 1.2)
  set style fill transparent solid 0.22 noborder
  set grid back lt 1 lc rgb "#E8E8E8" lw 1
  set border 3 lc rgb "#404040"
  set tics nomirror out
  # panel 1: Base NLL (next token, no thought)
  set title "Base NLL (next token, no thought)" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "NLL (nats per token)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "training-curves.dat" index 0 using 1:3:4 with filledcurves lc rgb "#0072B2" notitle, \
    "training-curves.dat" index 1 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "training-curves.dat" index 2 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "training-curves.dat" index 3 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "training-curves.dat" index 0 using 1:2 with lines lw 2 lc rgb "#0072B2" dt 2 title "Baseline" noenhanced, \
    "training-curves.dat" index 1 using 1:2 with lines lw 2 lc rgb "#D55E00" dt 1 title "3 thought tokens (paper: 5), 4 ahead" noenhanced, \
    "training-curves.dat" index 2 using 1:2 with lines lw 2 lc rgb "#009E73" dt 1 title "7 thought tokens (paper: 9), 4 ahead" noenhanced, \
    "training-curves.dat" index 3 using 1:2 with lines lw 2 lc rgb "#CC79A7" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced
  # panel 2: Talk NLL (with thought, n_true ahead)
  set title "Talk NLL (with thought, n_true ahead)" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "NLL (nats per token)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "training-curves.dat" index 4 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "training-curves.dat" index 5 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "training-curves.dat" index 6 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "training-curves.dat" index 4 using 1:2 with lines lw 2 lc rgb "#D55E00" dt 1 title "3 thought tokens (paper: 5), 4 ahead" noenhanced, \
    "training-curves.dat" index 5 using 1:2 with lines lw 2 lc rgb "#009E73" dt 1 title "7 thought tokens (paper: 9), 4 ahead" noenhanced, \
    "training-curves.dat" index 6 using 1:2 with lines lw 2 lc rgb "#CC79A7" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced
  # panel 3: Mean REINFORCE reward
  set title "Mean REINFORCE reward" noenhanced
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
  plot "training-curves.dat" index 7 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "training-curves.dat" index 8 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "training-curves.dat" index 9 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "training-curves.dat" index 7 using 1:2 with lines lw 2 lc rgb "#D55E00" dt 1 title "3 thought tokens (paper: 5), 4 ahead" noenhanced, \
    "training-curves.dat" index 8 using 1:2 with lines lw 2 lc rgb "#009E73" dt 1 title "7 thought tokens (paper: 9), 4 ahead" noenhanced, \
    "training-curves.dat" index 9 using 1:2 with lines lw 2 lc rgb "#CC79A7" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced
  # panel 4: Mean mixing weight w
  set title "Mean mixing weight w" noenhanced
  set xlabel "training step" noenhanced
  set ylabel "w (0 = base only)" noenhanced
  set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6
  unset logscale x
  set format x "%g"
  set xtics autofreq
  set autoscale x
  set autoscale xfixmin
  set autoscale xfixmax
  set autoscale y
  plot "training-curves.dat" index 10 using 1:3:4 with filledcurves lc rgb "#D55E00" notitle, \
    "training-curves.dat" index 11 using 1:3:4 with filledcurves lc rgb "#009E73" notitle, \
    "training-curves.dat" index 12 using 1:3:4 with filledcurves lc rgb "#CC79A7" notitle, \
    "training-curves.dat" index 10 using 1:2 with lines lw 2 lc rgb "#D55E00" dt 1 title "3 thought tokens (paper: 5), 4 ahead" noenhanced, \
    "training-curves.dat" index 11 using 1:2 with lines lw 2 lc rgb "#009E73" dt 1 title "7 thought tokens (paper: 9), 4 ahead" noenhanced, \
    "training-curves.dat" index 12 using 1:2 with lines lw 2 lc rgb "#CC79A7" dt 1 title "11 thought tokens (paper: 13), 4 ahead" noenhanced
  unset multiplot
  unset output
}
