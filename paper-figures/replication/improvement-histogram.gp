# improvement-histogram.gp: rerun with `gnuplot improvement-histogram.gp` in this folder.
# Reads improvement-histogram.dat; writes improvement-histogram.png and improvement-histogram.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1000,600 enhanced font "DejaVu Sans,12" background "white"
    set output "improvement-histogram.png"
  } else {
    fontsize = 16
    set terminal svg size 1000,600 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "improvement-histogram.svg"
  }
  set title "Per-token change from thinking (thought-length, 9 Quiet-STaR runs; central 99% range)" noenhanced
  set xlabel "change in log p(token) with thinking (nats; > 0 = thinking helped)" noenhanced
  set ylabel "fraction of tokens in the group" noenhanced
  set grid ytics back lt 1 lc rgb "#E8E8E8"
  set border 3 lc rgb "#404040"
  set format x "%g"
  set format y "%g"
  set tics nomirror out
  set key top right inside opaque reverse Left noautotitle samplen 2
  set style fill transparent solid 0.45 border
  set xrange [-0.8039480447769165:0.8039480447769165]
  set yrange [0:*]
  set arrow from 0, graph 0 to 0, graph 1 nohead dt 2 lw 1.5 lc rgb "#404040" front
  plot "improvement-histogram.dat" using (($1 + $2) / 2):3:($2 - $1) with boxes lc rgb "#0072B2" title "all tokens (n = 3843)" noenhanced, \
    "improvement-histogram.dat" using (($1 + $2) / 2):4:($2 - $1) with boxes lc rgb "#D55E00" title "hardest 10% by base NLL (n = 385)" noenhanced
  unset output
}
