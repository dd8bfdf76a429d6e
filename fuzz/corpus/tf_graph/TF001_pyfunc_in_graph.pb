
7
xPlaceholder*
shape:ÿÿÿÿÿÿÿÿÿ*
dtype0
E
PyFuncPyFuncx*
token
pyfunc_0*
Tout
2*
Tin
2

yIdentityPyFunc*
T0"í