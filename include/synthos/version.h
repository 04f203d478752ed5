#ifndef SYNTHOS_VERSION_H
#define SYNTHOS_VERSION_H
#define SYNTHOS_VERSION "0.1-dev"
#endif
