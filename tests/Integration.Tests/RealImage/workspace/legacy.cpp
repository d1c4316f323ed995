int  main( ){int *p=0;return p!=0;}
