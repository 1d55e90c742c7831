module github.com/writefreely/writefreely

require (
	github.com/PuerkitoBio/goquery v1.8.1 // indirect
	github.com/aymerick/douceur v0.2.0
	github.com/clbanning/mxj v1.8.4 // indirect
	github.com/dustin/go-humanize v1.0.1
	github.com/facebookgo/ensure v0.0.0-20200202191622-63f1cf65ac4c // indirect
	github.com/facebookgo/stack v0.0.0-20160209184415-751773369052 // indirect
	github.com/facebookgo/subset v0.0.0-20200203212716-c811ad88dec4 // indirect
	github.com/fatih/color v1.17.0
	github.com/go-ini/ini v1.67.0
	github.com/go-sql-driver/mysql v1.8.1
	github.com/go-test/deep v1.0.1 // indirect
	github.com/gobuffalo/envy v1.9.0 // indirect
	github.com/gopherjs/gopherjs v0.0.0-20181103185306-d547d1d9531e // indirect
	github.com/gorilla/csrf v1.7.2
	github.com/gorilla/feeds v1.1.2
	github.com/gorilla/mux v1.8.1
	github.com/gorilla/schema v1.4.1
	github.com/gorilla/sessions v1.3.0
	github.com/gosimple/slug v1.14.0
	github.com/guregu/null v4.0.0+incompatible
	github.com/hashicorp/go-multierror v1.1.1
	github.com/ikeikeikeike/go-sitemap-generator/v2 v2.0.2
	github.com/kylemcc/twitter-text-go v0.0.0-20180726194232-7f582f6736ec
	github.com/mailgun/mailgun-go v2.0.0+incompatible
	github.com/manifoldco/promptui v0.9.0
	github.com/mattn/go-sqlite3 v1.14.21
	github.com/microcosm-cc/bluemonday v1.0.26
	github.com/mitchellh/go-wordwrap v1.0.1
	github.com/nu7hatch/gouuid v0.0.0-20131221200532-179d4d0c4d8d
	github.com/onsi/ginkgo v1.16.4 // indirect
	github.com/onsi/gomega v1.13.0 // indirect
	github.com/rainycape/unidecode v0.0.0-20150907023854-cb7f23ec59be // indirect
	github.com/smartystreets/assertions v0.0.0-20190116191733-b6c0e53d7304 // indirect
	github.com/smartystreets/goconvey v0.0.0-20181108003508-044398e4856c // indirect
	github.com/stretchr/testify v1.9.0
	github.com/urfave/cli/v2 v2.27.4
	github.com/writeas/activity v0.1.2
	github.com/writeas/activityserve v0.0.0-20230428180247-dc13a4f4d835
	github.com/writeas/go-strip-markdown/v2 v2.1.1
	github.com/writeas/go-webfinger v1.1.0
	github.com/writeas/httpsig v1.0.0
	github.com/writeas/impart v1.1.1
	github.com/writeas/import v0.2.1
	github.com/writeas/monday v1.3.0
	github.com/writeas/saturday v1.7.2-0.20200427193424-392b95a03320
	github.com/writeas/web-core v1.6.1-0.20231003013047-d81124d45431
	github.com/writefreely/go-gopher v0.0.0-20220429181814-40127126f83b
	github.com/writefreely/go-nodeinfo v1.2.0
	golang.org/x/crypto v0.28.0
	golang.org/x/net v0.30.0
)

require (
	code.as/core/socks v1.0.0 // indirect
	filippo.io/edwards25519 v1.1.0 // indirect
	github.com/andybalholm/cascadia v1.3.2 // indirect
	github.com/beevik/etree v1.1.0 // indirect
	github.com/captncraig/cors v0.0.0-20190703115713-e80254a89df1 // indirect
	github.com/chzyer/readline v0.0.0-20180603132655-2972be24d48e // indirect
	github.com/cpuguy83/go-md2man/v2 v2.0.4 // indirect
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/dchest/uniuri v0.0.0-20200228104902-7aecb25e1fe5 // indirect
	github.com/fatih/structs v1.1.0 // indirect
	github.com/go-fed/httpsig v0.1.1-0.20200204213531-0ef28562fabe // indirect
	github.com/gofrs/uuid v3.3.0+incompatible // indirect
	github.com/gologme/log v1.2.0 // indirect
	github.com/gorilla/css v1.0.0 // indirect
	github.com/gorilla/securecookie v1.1.2 // indirect
	github.com/gosimple/unidecode v1.0.1 // indirect
	github.com/hashicorp/errwrap v1.0.0 // indirect
	github.com/joho/godotenv v1.3.0 // indirect
	github.com/jtolds/gls v4.2.1+incompatible // indirect
	github.com/mattn/go-colorable v0.1.13 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/petermattis/goid v0.0.0-20180202154549-b0b1615b78e5 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/rogpeppe/go-internal v1.9.0 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/sasha-s/go-deadlock v0.3.1 // indirect
	github.com/shurcooL/sanitized_anchor_name v1.0.0 // indirect
	github.com/writeas/go-writeas/v2 v2.0.2 // indirect
	github.com/writeas/openssl-go v1.0.0 // indirect
	github.com/writeas/slug v1.2.0 // indirect
	github.com/xrash/smetrics v0.0.0-20240521201337-686a1a2994c1 // indirect
	golang.org/x/sys v0.26.0 // indirect
	golang.org/x/text v0.19.0 // indirect
	gopkg.in/ini.v1 v1.62.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

go 1.21
