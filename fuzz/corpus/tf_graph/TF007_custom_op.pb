
7
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ

zero_outZeroOutx*
T0"í