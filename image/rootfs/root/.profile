# ~/.profile of root: the system one is enough
