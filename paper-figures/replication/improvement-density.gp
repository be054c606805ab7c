# improvement-density.gp: rerun with `gnuplot improvement-density.gp` in this folder.
# Reads improvement-density.dat; writes improvement-density.png and improvement-density.svg.
set encoding utf8
do for [format in "png svg"] {
  reset
  # fontsize: the base font size in the current terminal's units
  if (format eq "png") {
    fontsize = 12
    set terminal pngcairo size 1000,650 enhanced font "DejaVu Sans,12" background "white"
    set output "improvement-density.png"
  } else {
    fontsize = 16
    set terminal svg size 1000,650 dynamic enhanced font "DejaVu Sans,16" background "white"
    set output "improvement-density.svg"
  }
  set title "Which tokens thinking helps (thought-length, 3843 tokens pooled over 9 Quiet-STaR runs; central 99% shown)" noenhanced
  set xlabel "base-model NLL of the token (nats)" noenhanced
  set ylabel "change in log p(token) with thinking (nats)" noenhanced
  set cblabel "tokens per bin (log scale)" noenhanced
  set palette defined (0 "#440154", 0.25 "#3B528B", 0.5 "#21908D", 0.75 "#5DC963", 1 "#FDE725")
  set border lc rgb "#404040"
  set format x "%g"
  set format y "%g"
  set tics out nomirror
  unset key
  set xrange [0:3.3784990310668945]
  set yrange [-0.8039480447769165:0.8039480447769165]
  set logscale cb
  set cbrange [1:2349]
  set arrow from graph 0, first 0 to graph 1, first 0 nohead lw 3 lc rgb "#FFFFFF" front
  set arrow from graph 0, first 0 to graph 1, first 0 nohead dt 2 lw 1.5 lc rgb "#202020" front
  plot "improvement-density.dat" using 1:2:3:4:5 with boxxyerror fs solid 1.0 noborder fc palette notitle
  unset output
}
