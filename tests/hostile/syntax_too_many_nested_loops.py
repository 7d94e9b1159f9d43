# 21 statically nested loops.
x = [1]
for a0 in x:
 for a1 in x:
  for a2 in x:
   for a3 in x:
    for a4 in x:
     for a5 in x:
      for a6 in x:
       for a7 in x:
        for a8 in x:
         for a9 in x:
          for a10 in x:
           for a11 in x:
            for a12 in x:
             for a13 in x:
              for a14 in x:
               for a15 in x:
                for a16 in x:
                 for a17 in x:
                  for a18 in x:
                   for a19 in x:
                    for a20 in x:
                     print(1)
