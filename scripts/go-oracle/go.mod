module clearance/go-oracle

go 1.19
