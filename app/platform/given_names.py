"""Given names common in the Member States and in the countries of origin and transit the network
works with, and the domains of mail services open to anyone: what shows a mailbox, a link's slug
or a handle to be a person's (`giulia.ferraresi@`, `/news/ibrahim-diallo-…`, `…@gmail.com`)."""

from __future__ import annotations

from app.platform.patterns import words

# The most common ones: a link's slug holding one and another word names a person
# (`ibrahim-diallo-arrested`); the longer list below reads mailboxes only (`abu-dhabi` is no one).
COMMON_GIVEN_NAMES = words(
    """john james michael david robert william thomas daniel paul mark peter george richard
    anna maria mary sarah laura emma sophie julia elena olga natalia irina svetlana ivan
    sergei sergey dmitri andrei alexander alexandre alessandro alejandro carlos juan jose josé
    luis miguel javier antonio manuel francisco pedro jorge pablo diego marco luca giuseppe
    giovanni francesco andrea matteo lorenzo paolo pierre jean jacques michel philippe nicolas
    francois françois louis marie claire julie hans klaus jürgen jurgen stefan thomas andreas
    wolfgang lukas jan pieter piet johannes willem sanne ahmed ahmad mohammed mohamed muhammad
    mohammad mahmoud mustafa mostafa ali omar umar hassan hussein hussain ibrahim ismail youssef
    yusuf yousef khalid karim abdul abdullah abdallah abdel said saeed samir tariq bilal hamza
    amir reza hamid farid rashid nasser fatima fatma aisha aicha amina khadija mariam maryam
    zainab leila layla nour noor samira yasmin yasmine hana moussa mamadou ibrahima amadou
    abdoulaye ousmane oumar cheikh modou lamine seydou boubacar fatou aminata awa kadiatou
    chukwuma chidi emeka obinna ngozi chinedu oluwaseun tunde kwame kofi kwaku yaw ama akosua
    samuel emmanuel joseph isaac abraham solomon yonas dawit abel tesfaye haile selam
    mehmet ahmet mustafa murat emre hakan elif zeynep ayse ayşe esra huseyin hüseyin
    raj rahul amit sanjay vijay priya anil sunil imran asif arif shahid zahid nadeem naveed
    faisal kamran usman irfan wasim javed jawad rahim rahman nasir"""
)


MORE_GIVEN_NAMES = COMMON_GIVEN_NAMES | words(
    """adam alan albert alfred alice amanda amelia andrew angela ann anne annie anthony arthur
    barbara ben benjamin bernard beth brian bruce carl carol caroline catherine charles
    charlotte chris christian christina christine christopher claudia colin craig dan
    deborah dennis diana donald dorothy douglas edward eileen eleanor elizabeth ellen emily
    eric eva frank fred gary gavin gerald grace graham hannah harry helen henry ian jack
    jacob jane janet jason jennifer jessica joan joanna joe jonathan judith karen kate
    katherine kathleen kelly kenneth kevin larry linda lisa liam lucy margaret martin
    matthew megan melissa nancy neil nicholas nicola oliver patricia patrick rachel rebecca
    richard roger ronald rose ruth ryan sandra sean sharon simon stephen steven susan
    teresa timothy tom tony victoria walter
    aoife ciara niamh siobhan sinead declan eoin ciaran padraig
    anke annette barbel birgit brigitte claudia dagmar dieter dirk elke erik friederike
    gerhard gisela gudrun günter gunter hannelore heike heinz helga helmut holger horst
    ilse ingrid jens joachim jörg jorg karl karin katrin kerstin lars manfred markus
    martina matthias monika nadine petra rainer ralf renate sabine sandra silke susanne
    svenja torsten ulrich ulrike ursula uwe volker werner bernd frank heinrich hermann
    otto gustav fritz franz josef sepp florian tobias maximilian felix leon finn jonas
    lena lea mia hanna johanna katharina sophia marlene greta frieda
    agnès alain amélie anaïs antoine arnaud aurélie benoît bernadette brigitte camille
    caroline cécile céline christophe clément corinne damien delphine denis didier
    dominique élodie émilie éric étienne fabien fabrice florence franck frédéric gaëlle
    geneviève gérard gilles guillaume hélène hervé isabelle jacqueline jérôme joël
    josiane julien laurent léa lucie luc ludovic madeleine manon marc margaux martine
    mathieu maxime mélanie monique nathalie océane olivier pascal pascale patrice
    raphaël rémi sébastien serge stéphane sylvie thierry valérie véronique vincent
    virginie yannick yves agnes amelie anais aurelie benoit cecile celine clement elodie
    emilie etienne frederic gaelle genevieve gerard helene herve jerome joel lea mathilde
    melanie oceane raphael remi sebastien stephane valerie veronique
    alberto alessandra alessia angelo anna antonella barbara beatrice carla carlo
    caterina chiara claudio cristina daniela daniele davide domenico elisa emanuele
    enrico enzo fabio federica federico filippo franca francesca gabriele giacomo
    gianluca gianni giorgia giorgio giulia giulio giuliana ilaria lucia luigi manuela
    marcello mario marta massimo maurizio michela michele monica nicola paola pietro
    raffaele riccardo roberta roberto rosa salvatore sergio silvia simona simone stefania
    stefano tiziana valentina valerio vincenzo vittoria
    adrián agustín alba alicia álvaro ana andrés ángel beatriz belén carmen concepción
    consuelo cristóbal dolores eduardo elena enrique esperanza esteban fernando gonzalo
    guillermo ignacio inés isabel jaime jesús joaquín julián lorena lourdes marta mercedes
    montserrat nuria pilar rafael ramón raquel rocío rosario santiago sergio teresa
    vicente adrian agustin alvaro andres angel belen concepcion cristobal ines jesus
    joaquin julian rocio ramon
    bram daan dirk eline els femke floor hendrik henk jeroen joost kees koen lieke lotte
    maarten marieke marleen martijn niels pim reinier roel ruud sander sjoerd thijs tim
    wouter anouk annelies bas bart esther fleur geert inge joris karel lieve mieke noor
    wim yvonne
    agnieszka anna barbara ewa katarzyna magdalena małgorzata malgorzata marta monika
    piotr paweł pawel krzysztof tomasz michał michal marcin łukasz lukasz grzegorz
    jakub mateusz wojciech zofia joanna dorota jolanta bogdan tadeusz
    joão joao ana rita mariana inês beatriz tiago rui nuno gonçalo goncalo duarte
    bruno diogo ricardo hélder helder
    bjorn björn erik lars anders nils sven gustav ingrid astrid karin kristina mikael
    mette henrik jesper mads søren soren niklas jukka mikko matti antti pekka
    aleksandar aleksandra dragan dejan goran milan milos miloš nikola zoran marko
    stefan branko vesna jelena ivana snezana dusan dušan petar predrag slobodan
    bogdan florin mihai ionut ioana cristian gheorghe vasile radu adriana andreea
    dimitris giorgos nikos yiannis kostas eleni maria katerina georgios konstantinos
    abdelkader abdelaziz abderrahmane abdelhak abdelali abdellah abdou adil ahmadou
    aissatou alassane aliou amadou aminata assane aziz bakary boubacar bouba
    brahim driss hadj fadel fadila farah farida fatoumata habib hadi hakim hamed
    hicham houssam ilyas issa jamal jamila kader kamal karima khaled khalil lahcen
    latifa lotfi malika malik mariem meriem mohsen mounir mourad moustapha nabil nadia
    naima najib nawal noura omar othmane rachid rania rachida redouane rkia saad
    sabrina saida salah salim salma sami sana sara sofiane sofia souad sufian
    sulaiman suleiman taha tarek walid yacine yahya yassin yassine younes youssouf
    zakaria zineb zoubir anis ayoub badr hamid hatim ikram imane ines issam jawad
    karim mehdi mohcine nadir oussama rida sanae soufiane wafa wissal yasser
    ndeye coumba mame astou binta dieynaba khady maimouna mariama ramatoulaye rokhaya
    sokhna babacar cheikhou demba djibril ibou khadim lamine malick mbaye
    moustapha ndiaga pape saliou serigne souleymane tidiane
    adebayo adeola ayodele babatunde bolaji chiamaka chinonso chioma ebuka folake
    funmilayo ifeoma ikechukwu kelechi nnamdi olamide olusegun seun tobi uche yemi
    abena adjoa afia akua efua esi kojo kwabena kwesi yaa
    aster abebe alemu berhane biniam eyob fikre girma hailu kidane mekonnen mulugeta
    tekle tewodros tsegaye yohannes yared meron saba selamawit helen
    abdi abdirahman abdullahi farah hodan hawa hussein ilhan liban mohamud sahra
    ahmadullah ahmadzai bashir ghulam habibullah hamidullah jamshid mirwais najibullah
    rahmatullah sayed shafiq zabihullah zahra zarmina farzana hosna mahbooba
    ali-reza alireza ehsan farhad hossein javad kaveh mahdi majid mehran mohsen
    morteza nima parisa payam pouya ramin saeed shirin soheil
    aleksandr aleksei alexei andrey anton artem boris denis dmitry egor evgeny igor
    kirill maxim mikhail nikolai oleg pavel roman ruslan vadim viktor vladimir yuri
    anastasia daria ekaterina irina ksenia lyudmila marina nadezhda oksana polina
    tatiana tatyana valentina yulia
    arjun deepak kiran krishna manoj mohan naresh pradeep rajesh ramesh ravi sandeep
    sunita suresh anjali deepika kavita lakshmi neha pooja rekha sita
    arafat hasina jahangir kamal mizanur nazrul rafiq shahidul
    jhon edinson yeison wilson andrés camilo sebastián alejandra daniela valentina
    yesenia yolanda lucía mauricio
    dragana milica jovana ljubica biljana gordana mirjana nevena tijana danijela
    dorota agata beata bozena ewelina grazyna halina justyna karolina kinga urszula zuzanna
    zsofia zsófia eszter katalin erzsebet erzsébet judit krisztina laszlo lászló zoltan zoltán
    istvan istván gabor gábor tamas tamás peter péter janos jános ferenc attila balazs balázs
    mihaela lavinia aurelia simona roxana ramona oana alina corina cosmin marius sorin ciprian
    jiri jiří petr pavel tomas tomáš lukas lukáš jana lenka petra veronika hana eva martina
    kristina ieva ruta rūta inga liene janis jānis andris tomas mindaugas darius aivars
    gunnar henrike wiebke malte jannik hauke frauke meike kai jonte britta silke gesine
    ineke gerrit hendrika anneke dieuwke jelle sietske hylke tjeerd wybren jolanda marloes
    yvette ghislaine solène solene maëlle maelle gwenaëlle loïc loic enzo mattia alessio
    ginevra ludovica asier iker ainhoa itziar nerea begoña begona maite xavier jordi montse
    oriol núria aitana leire unai eneko mikel amaia
    aiden aidan brendan conor connor dermot fionn grainne gráinne orla roisin róisín seamus
    bartholomew beatrix cornelia dagny helene ida ingeborg johan karsten leif magnus mats
    nora ole per rasmus sigrid solveig stig sune torben ulf
    antonia benedetta camilla cecilia costanza elisabetta flavia gaia irene lavinia marina
    noemi ornella rebecca sabrina serena teresa viola
    amal asma basma dalia dina eman ghada hala hiba huda iman jana lina lubna mona nada
    nadine nisrine rana randa rasha reem rim rola ruba salwa samar sawsan suha widad yara
    abdelrahman adnan ammar anas ayman bassam fadi firas ghassan hani haitham hisham hosam
    ibrahim imad issa jihad kareem louay maher majd marwan mazen mohannad muhannad nabeel
    nidal osama qais rami rashad riad sameer shadi tamer wael waleed yazan ziad
    aliou bamba bintou coumba diarra djeneba fanta hawa kadidia mariam nafissatou oumou
    rokia salimata sira tenin adama bakary daouda drissa fousseyni lassana mamadou modibo
    seydou siaka souleymane yacouba
    eyerusalem hiwot meseret tigist tsion yeshi bereket dawit ermias filmon habtom kibrom
    mehari merhawi samson semere tedros tekie tesfay tesfaye yemane yonatan
    habiba hamida masuda nadia nazia parwin roya shabnam shakila soraya wahida ahmadshah
    aziz bismillah esmatullah farid hamid jawid khan mahmood nasrullah qadir sharif wahid
    ayesha bushra fariha hira iqra mahnoor nimra rabia sadia saima sana uzma waqas zeeshan
    bogdan dmytro mykola oleksandr oleksii serhii taras volodymyr yaroslav yevhen olena
    kateryna oksana svitlana tetiana yuliia halyna nataliia"""
)

# The given names of frequency 5 or more (about one person in 1,600 and more) in Italy, Spain,
# France, Belgium, the Netherlands or Germany in Jörg Michael's first-name dictionary
# (`nam_dict.txt`, 2008, as the PyPI package gender-guesser 0.4.0 ships it), single words of four
# letters or more (shorter ones are words too: `ans`, `mar`, `paz`), with their unaccented
# spelling as a mailbox writes them: the hand-written lists above miss common given names of the
# Member States. Read for mailboxes only, as the longer list above. The dictionary's header puts
# it under the GNU Free Documentation License, version 1.2 or any later version, with no
# invariant sections and no cover texts (gender-guesser's code is GPLv3; only the data is read
# here): this selection from it is a modified version under the same licence.
MEMBER_STATE_GIVEN_NAMES = words(
    """achim adela adele adelheid adeline adriana adriano adrie adrien agata agnes agnese agnès
    agostino agustin agustina agustín alain alba albert alberto aldo alejandro alessandra
    alessandro alex alexander alexandra alexandre alexis alfio alfons alfonso alfred alfredo
    alice alicia alie aline almudena alvaro amalia amandine amedeo amelia amelie amparo amélie
    anais anaïs andre andrea andreas andree andres andré andréa andrée andrés andy anette angel
    angela angele angeles angelika angelina angelique angelo angèle angélique anita anja anke
    anna annalisa annamaria anne annegret anneke annelies anneliese annemarie annemiek annemieke
    annet annett annette annick annie annunziata anny anthony antje antoine antoinette anton
    antonella antonia antonietta antonina antonino antonio araceli arie arjan arjen arlette
    armand armando armin arnaud arno arnold arthur arturo ascension assunta astrid asuncion
    asunción attilio audrey august augusta augusto aukje aurelie aurelien aurelio aurora aurore
    aurélie aurélien axel baptiste barbara barbel bart battista beate beatrice beatriz begona
    begoña belen belén benedicte benito benjamin bennie benny benoit benoît bernadette bernard
    bernardo bernd bernhard berry bert bertha bertrand bertus bettina betty biagio bianca birgit
    bjorn björn blanca bram brenda brigitte britta bruna brunhilde bruno burkhard bärbel
    béatrice bénédicte calogero camille carin carina carine carla carlo carlos carmela carmelo
    carmen carmine carola carole carolien carolina caroline carsten catalina caterina catharina
    catherine cecile cecilia cecília cedric cees celia celine cesar cesare chantal charles
    charlotte chiara chloe chloé chris christa christel christelle christiaan christian
    christiane christina christine christoph christophe cindy cinzia ciro claire clara claude
    claudette claudia claudine claudio claus clement clément coby colette concepcion concepción
    concetta conny consuelo corine corinna corinne cornelia cornelis corrado corrie cosimo
    cristina cruz cyril cyrille cécile cédric céline dagmar damien daniel daniela daniele
    danielle danilo danièle daniëlle danny dante dario david davide debby delphine denis denise
    dennis detlef diana diane dianne dick didier diego dieter dietmar dietrich dimitri dina dino
    diny dionisio dirk dolores domenica domenico domingo dominique donatella donato doreen
    dorien doris dorothea douwe eberhard eckhard eddy edeltraud edgar edith edmond edoardo
    edouard eduard eduardo edwin egidio elda elena eleonora elfriede eliane elio elisa elisabeth
    elisabetta elise elke ellen elly elodie elsa elvira emanuela emanuele emiel emile emilia
    emiliano emilie emilio emma emmanuel emmanuelle encarnacion encarnación ennio enrica enrico
    enrique enzo erhard eric erica erich erik erika erminia erna ernesto ernst erwin esperanza
    esteban estelle esther etienne ettore eugen eugene eugenia eugenio eugène eusebio evelien
    eveline evelyn evelyne evert ezio fabien fabienne fabio fabrice fabrizio fanny fausto
    federica federico federíco felice felipe felisa felix ferdinando fermin fermín fernand
    fernanda fernande fernando filip filippo filomena fiorella flavio flora florence florencio
    florent florian franca france francesca francesco francine francis francisca francisco
    franciscus franck franco francois francoise frank franky frans franz franziska françois
    françoise fred freddy frederic frederique frieda friedhelm friedrich frits fritz frédéric
    frédérique fulvio félix gabriel gabriela gabriele gabriella gabrielle gaelle gaetana gaetano
    gaston gaëlle geert geertje gema gemma genevieve geneviève gennaro georg georges georgette
    gerald geraldine gerard gerardo gerben gerd gerda gerhard gerlinde germaine german germán
    gerrie gerrit gert gertrud ghislaine giacomo gian giancarlo gianfranco gianluca gianna
    gianni gijs gilbert gilberte gilles gina ginette gino giorgio giovanna giovanni gisela
    gisele gisèle giulia giuliana giuliano giulio giuseppa giuseppe giuseppina gloria gonzalo
    grazia graziano graziella gregoria gregorio gregory greta grietje grégory guadalupe gudrun
    guglielmo guido guillaume guillermo gunter gunther gustaaf guus géraldine gérard günter
    günther hanneke hannelore hannie hanny hans harald harm harold harrie harry hartmut heide
    heidemarie heidi heidrun heike heiko hein heinrich heinz heleen helena helene helga helma
    helmut hendrik henk hennie henning henny henri henriette henriëtte henry herbert herma
    herman hermann herve hervé hetty hilda hilde hildegard holger horst hubert hugo huguette
    huub hélène ignacio ignazio ilona ilse immacolata ineke ines inge ingeborg ingo ingrid
    inmaculada inés iolanda irene iris irma irmgard irène isabel isabella isabelle isidoro
    isidro italo ivan ivana ivano jaap jacinto jack jacky jacob jacqueline jacques jaime jana
    janet janine janneke jannie janny javier jean jeanet jeanette jeanine jeanne jeannette
    jeannine jelle jennifer jenny jens jeremy jeroen jerome jessica jesus jesús joachim joan
    joanna joannes joaquin joaquín jocelyne jochen joel joelle johan johann johanna johannes
    john johnny joke jolanda jonathan joop joost jordi jorg jorge joris jose josee josef josefa
    josefina josep joseph josephine josette josiane josé josée joséphine joyce jozef joël joëlle
    juan juana judith jules julia julian juliana julie julien julienne juliette julio julián
    jurgen justo jutta jérémy jérôme jörg jürgen karel karin karine karl karola karsten
    katharina kathleen kathrin katja katrin kees kerstin kevin kirsten kitty klaas klaus koen
    konrad koos kornelia kris kristel kristof kurt laetitia lars laura laure laurence laurent
    leon leonardo leonie leonor leopold letizia lianne lidia liesbeth lieselotte lieve lilian
    liliana liliane lina linda lino lionel lisette livia livio lodewijk loes loic loredana
    lorenzo lothar louis louisa louise lourdes loïc luca lucette lucia luciana luciano lucie
    lucien lucienne lucio lucía ludo ludovic ludwig luigi luigia luigina luis luisa luise lutz
    lydia lydie léon léopold maaike maarten maddalena madeleine magali magda magdalena maik
    mandy manfred manon manuel manuela mara marc marcel marcelino marcella marcelle marcello
    marco marcos marcus maren marga margarete margaretha margarita margherita margit margot
    margreet margret margriet marguerite mari maria marian mariangela marianna marianne mariano
    marie marieke marielle mariette marijke marilena marina marine marino mario marion marisa
    mariska marita mariëlle mariëtte marja marjan marjo marjolein marjon mark markus marleen
    marlies marloes marta martha marthe martien martijn martin martina martine martín mary
    maryline maryse maryvonne maría massimiliano massimo mathias mathieu mathilde matilde matteo
    matthias matthieu maurice mauricette maurizio mauro maxime maximo maxímo melanie menno merce
    mercedes mercè michael michaela michaël michel michela michele michelina micheline michelle
    michiel michèle mickael mickaël mieke miguel mike milagros milena miranda mireille mirella
    miriam mirjam monica monika monique montserrat muriel murielle myriam mélanie mónica nadege
    nadia nadine nadège nancy natale natalia natalina natasja nathalie natividad nella nelly
    nico nicola nicolas nicole nicoletta nicolás niels nienke nieves nina noel noelle norbert
    noël noëlle nunzia nuria odette odile olaf olga oliver olivier orazio ornella oscar osvaldo
    otto pablo paloma paola paolo pascal pascale pasquale pasqualina patrice patricia patrick
    patrizia paul paula paule paulette paulien pauline pedro peggy peter petra petrus philip
    philipp philippe pier piera pierina pierino pierluigi piero pierre pierrette piet pieter
    pietro pilar primo purificacion purificación quentin rachel rafael raffaele raffaella rainer
    ralf ralph ramon ramona ramón raphael raphaël raquel raul raymond raymonde raúl regina
    regine regis reiner reinhard reinhold remco remi remo remy renata renate renato rene renee
    renzo rené renée rian rianne ricardo riccardo richard rick riet rina rino rita robert
    roberta roberto robin rocco rocio rocío rodolfo roel roelof roger roland rolf romain romano
    ronald ronnie ronny rosa rosalba rosalia rosanna rosaria rosario rose rosemarie rosetta
    rosette rosina rossana rossella roswitha rudi rudiger rudolf rudy ruth ruud régine régis
    rémi rémy rüdiger sabine sabrina sagrario salvador salvatore samuel sander sandra sandrine
    sandro santa santiago santina santo santos sara sarah sascha saskia saverio sebastian
    sebastiano sebastien sebastián serge sergio severine sibylle siegfried sieglinde sigrid
    silke silvana silvano silvia silvio simon simona simone simonetta simonne sjaak sjoerd
    sjoukje sofie solange soledad sonia sonja sophie stefaan stefan stefania stefanie stefano
    steffen steffi stella stephan stephane stephanie steven stijn stéphane stéphanie susan
    susana susanna susanne suzanna suzanne sven sylvain sylvia sylviane sylvie sébastien
    séverine tamara tanja teodoro teresa thea theo therese theresia thierry thijs thomas
    thorsten thérèse tineke tiny tiziana tiziano tjitske tobias tomas tommaso tomás tonnie tonny
    tony toon toos torsten trinidad trudy truus twan ulrich ulrike umberto ursula valentin
    valentina valentino valeria valerie valerio valérie vanessa veerle vera verena veronika
    veronique vicenta vicente victor victoria victoriano vincent vincenza vincenzo virginia
    virginie vito vittoria vittorio viviane volker véronique víctor waldemar walter waltraud
    wendy werner wilco wilfried wilhelm willem willi william willy wilma winfried wolf wolfgang
    wouter xavier yann yannick yolanda yolande yvan yves yvette yvon yvonne álvaro ángel ángela
    ángeles óscar"""
)

GIVEN_NAMES = COMMON_GIVEN_NAMES | MORE_GIVEN_NAMES | MEMBER_STATE_GIVEN_NAMES

# Mail services open to anyone: a mailbox there is a person's (or a small business's), never a
# public authority's.
PUBLIC_MAIL_DOMAINS = words(
    """gmail googlemail yahoo ymail hotmail outlook live msn aol icloud proton
    protonmail tutanota gmx web t-online freenet posteo mailbox libero virgilio alice tin
    tiscali orange wanadoo free laposte sfr neuf club-internet terra telefonica movistar ono
    ziggo kpnmail kpnplanet hetnet home planet chello xs4all telenet skynet yandex mail rambler
    inbox zoho fastmail hushmail"""
)
