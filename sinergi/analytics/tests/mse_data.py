"""Published capture-history tables with published estimates, for the worked-example tests.

Counts as distributed with the R packages SparseMSE (Chan, Silverman and Vincent 2021) and
MultipleSystemsEstimation (Silverman), the reference implementations of the stepwise method:

- ``UK_2013``: the six lists of the UK National Crime Agency 2013 strategic assessment behind the Home
  Office's 2014 estimate of 10,000-13,000 potential victims of modern slavery (Silverman 2014); 2,744 people
  seen, the number the Home Office published. ``UK_2013_5`` merges the police (PF) and NCA lists.
- ``NEW_ORLEANS_2021`` (8 lists) and ``NEW_ORLEANS_5_2021``: the New Orleans data as in the 2021 paper
  (185 people; a later revision of one cell gives 186). ``WESTERN``: a U.S. Western site (5 lists).
- ``KOREA``: three lists (MultipleSystemsEstimation); ``KOSOVO``: four lists of killings in Kosovo, 1999.
"""

KOREA = """\
b,c,d,count
0,0,1,41
0,1,0,5
1,0,0,5
1,1,0,54
1,0,1,6
0,1,1,0
1,1,1,12
"""

WESTERN = """\
A,B,C,D,E,count
1,0,0,0,0,52
0,1,0,0,0,90
0,0,1,0,0,114
0,0,0,1,0,45
0,0,0,0,1,21
1,0,1,0,0,4
1,0,0,1,0,2
1,0,0,0,1,5
0,1,1,0,0,6
0,1,0,1,0,1
0,0,0,1,1,3
1,0,1,0,1,1
0,1,1,1,0,1
"""

NEW_ORLEANS_2021 = """\
A,B,C,D,E,F,G,H,count
1,0,0,0,0,0,0,0,25
1,0,1,0,0,0,0,0,1
1,0,0,1,0,0,0,0,2
1,0,0,0,1,0,0,0,1
1,0,1,0,0,0,1,0,1
1,0,0,1,1,0,0,0,1
0,1,0,0,0,0,0,0,5
0,1,0,0,0,1,0,0,1
0,0,1,0,0,0,0,0,70
0,0,1,1,0,0,0,0,1
0,0,1,0,1,0,0,0,1
0,0,1,0,0,0,1,0,1
0,0,0,1,0,0,0,0,33
0,0,0,1,1,0,0,0,2
0,0,0,0,1,0,0,0,6
0,0,0,0,1,0,0,1,1
0,0,0,0,0,1,0,0,6
0,0,0,0,0,0,1,0,6
0,0,0,0,0,0,0,1,21
"""

NEW_ORLEANS_5_2021 = """\
A,BEFG,C,D,H,count
1,0,0,0,0,25
0,1,0,0,0,24
0,0,1,0,0,70
0,0,0,1,0,33
0,0,0,0,1,21
1,1,0,0,0,1
1,0,1,0,0,1
1,0,0,1,0,2
0,1,1,0,0,2
0,1,0,1,0,2
0,1,0,0,1,1
0,0,1,1,0,1
1,1,1,0,0,1
1,1,0,1,0,1
"""

UK_2013 = """\
LA,NG,PF,GO,GP,NCA,count
1,0,0,0,0,0,54
0,1,0,0,0,0,463
0,0,1,0,0,0,907
0,0,0,1,0,0,695
0,0,0,0,1,0,316
0,0,0,0,0,1,57
1,1,0,0,0,0,15
1,0,1,0,0,0,19
1,0,0,1,0,0,3
0,1,1,0,0,0,56
0,1,0,1,0,0,19
0,1,0,0,1,0,1
0,1,0,0,0,1,3
0,0,1,1,0,0,69
0,0,1,0,1,0,10
0,0,1,0,0,1,31
0,0,0,1,1,0,8
0,0,0,1,0,1,6
0,0,0,0,1,1,1
1,1,1,0,0,0,1
1,1,0,1,0,0,1
0,1,1,1,0,0,4
0,1,1,0,0,1,3
0,0,1,1,0,1,1
1,1,1,1,0,0,1
"""

UK_2013_5 = """\
LA,NG,PFNCA,GO,GP,count
1,0,0,0,0,54
0,1,0,0,0,463
0,0,1,0,0,995
0,0,0,1,0,695
0,0,0,0,1,316
1,1,0,0,0,15
1,0,1,0,0,19
1,0,0,1,0,3
0,1,1,0,0,62
0,1,0,1,0,19
0,1,0,0,1,1
0,0,1,1,0,76
0,0,1,0,1,11
0,0,0,1,1,8
1,1,1,0,0,1
1,1,0,1,0,1
0,1,1,1,0,4
1,1,1,1,0,1
"""

KOSOVO = """\
EXH,ABA,OSCE,HRW,count
1,0,0,0,1131
0,1,0,0,845
0,0,1,0,936
0,0,0,1,306
1,1,0,0,177
1,0,1,0,228
1,0,0,1,106
0,1,1,0,217
0,1,0,1,31
0,0,1,1,123
1,1,1,0,181
1,1,0,1,18
1,0,1,1,42
0,1,1,1,32
1,1,1,1,27
"""
