$ exit
